package dev.medic.config;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.medic.core.Severity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.core.HealingActionKind;
import dev.medic.core.HealthPolicy;
import dev.medic.core.LadderStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return ConfigFiles.write(dir, name, text);
    }

    private List<String> problemsOf(String text) throws IOException {
        return ConfigFiles.problemsOf(dir, text);
    }

    /** Each row: one broken file (\n for new lines) and the exact line medic validate prints for it. */
    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
        medic {\\n  intervall = 30s\\n}                                              | F:2: medic.intervall: unknown key (did you mean interval?) | unknown key
        medic {\\n  targets.api {\\n    container = shop_api_1\\n    helth = on\\n  }\\n} | F:4: medic.targets.api.helth: unknown key | unknown key in a target
        medic {\\n  interval = soon\\n}                                               | F:2: medic.interval: expected a duration such as 30s or 5m, got "soon" | wrong type: duration
        medic {\\n  failure-threshold = many\\n}                                      | F:2: medic.failure-threshold: expected a whole number, got "many" | wrong type: number
        medic {\\n  failure-threshold = 0\\n}                                         | F:2: medic.failure-threshold: must be at least 1, got 0 | impossible threshold
        medic {\\n  interval = 10s\\n  timeout = 10s\\n}                              | F:3: medic.timeout: timeout 10s must be shorter than interval 10s | timeout not below interval
        medic {\\n  interval = 5s\\n}                                                 | F:2: medic.interval: timeout 10s must be shorter than interval 5s | interval below default timeout
        medic {\\n  escalation = []\\n}                                               | F:2: medic.escalation: the ladder is empty: list at least one step, e.g. { action = restart-container, attempts = 3 } | empty ladder
        medic {\\n  escalation = [\\n    { action = reboot-host }\\n  ]\\n}           | F:3: medic.escalation[0].action: unknown action "reboot-host" (known: restart-container, restart-project, recreate-service, restart-unit, exec-host) | unknown action
        medic {\\n  escalation = [ { action = restart-container, attempts = 0 } ]\\n} | F:2: medic.escalation[0].attempts: must be at least 1, got 0 | zero attempts
        medic.targets.api {\\n  container = a\\n  service { project = p, name = s }\\n} | F:1: medic.targets.api: set only one of container and service | container and service
        medic.targets.api {\\n  docker-health = on\\n}                               | F:1: medic.targets.api: a target needs a container, a service, a systemd-unit or a probe (http, tcp, redis, postgres, tls-expiry, host) | empty target
        medic.targets.api {\\n  http { url = "ftp://example" }\\n}                   | F:2: medic.targets.api.http.url: not an http:// or https:// URL: "ftp://example" | bad url
        medic.targets.api {\\n  http { expect-status = [200] }\\n}                   | F:2: medic.targets.api.http: missing url | missing url
        medic.targets.api {\\n  container = a\\n  docker-health = maybe\\n}          | F:3: medic.targets.api.docker-health: expected auto, on or off, got "maybe" | bad docker-health
        medic.targets.api {\\n  http { url = "http://127.0.0.1:1/", expect-status = [200, 999] }\\n} | F:2: medic.targets.api.http.expect-status: expected HTTP status codes 100-599, got 999 | bad status
        medic.targets.api {\\n  service { project = shop }\\n}                      | F:2: medic.targets.api.service.name: missing: the compose service name | service without name
        medic.targets.api {\\n  container = a\\n  interval = 30s\\n  timeout = 45s\\n} | F:4: medic.targets.api.timeout: timeout 45s must be shorter than interval 30s | per-target timeout
        medic {\\n  api.listen = "127.0.0.1:99999"\\n}                               | F:2: medic.api.listen: port must be 1-65535, got "99999" | bad listen port
        medic {\\n  discovery.labels = ["medic.enable"]\\n}                          | F:2: medic.discovery.labels: expected key=value, got "medic.enable" | bad discovery label
        medic {\\n  docker.host = "/var/run/docker.sock"\\n}                         | F:2: medic.docker.host: expected unix:///path or tcp://host:port, got "/var/run/docker.sock" | bad docker host
        medic {\\n  compose.command = "docker compose"\\n}                           | F:2: medic.compose.command: give the command as a list, e.g. ["docker", "compose"], not one string | compose command as string
        medic {\\n  heartbeat-url = "ping.example.com/uuid"\\n}                    | F:2: medic.heartbeat-url: expected an http:// or https:// URL, got "ping.example.com/uuid" | heartbeat without scheme
        medic.notify {\\n  telegram { chat-id = "1" }\\n}                              | F:2: medic.notify.telegram: missing bot-token-file (or bot-token-env, the name of an environment variable) | telegram without token
        medic.notify {\\n  telegram {\\n    bot-token-file = /nonexistent/token\\n    chat-id = "1"\\n  }\\n} | F:3: medic.notify.telegram.bot-token-file: cannot read /nonexistent/token (no such file) | unreadable token file
        medic.notify {\\n  slack { webhook-url-env = MEDIC_TEST_UNSET_VARIABLE }\\n}  | F:2: medic.notify.slack.webhook-url-env: the environment variable MEDIC_TEST_UNSET_VARIABLE is not set | unset env secret
        medic.notify {\\n  webhook { url = "http://127.0.0.1:9/x", targets = [nope] }\\n} | F:2: medic.notify.webhook.targets: no target is named "nope" | routing to an unknown target
        medic.notify {\\n  min-severity = critical\\n}                                  | F:2: medic.notify.min-severity: expected warning or error, got "critical" | bad severity
        medic.notify {\\n  email { smtp = "mail:587", from = "medic@x", to = [ops] }\\n} | F:2: medic.notify.email.to: expected one or more addresses, e.g. to = ["ops@example.com"] | bad recipient
        medic.notify {\\n  pager { url = "http://127.0.0.1:9/" }\\n}                  | F:2: medic.notify.pager: unknown key | unknown channel
        medic.targets.api {\\n  container = a\\n  systemd-unit = "nginx.service"\\n} | F:1: medic.targets.api: set only one of container, service and systemd-unit | container and unit
        medic.targets.api {\\n  http { url = "http://127.0.0.1:1/", timeout = 2m }\\n} | F:2: medic.targets.api.http.timeout: timeout 2m must be shorter than interval 1m | probe timeout not below interval
        medic {\\n  docker = "unix:///run/docker.sock"\\n}                          | F:2: medic.docker: expected an object { ... }, got "unix:///run/docker.sock" | section not an object
        medic = 5                                                                | F:1: medic: expected an object { ... }, got 5 | medic not an object
        medic = null                                                             | F:1: medic: must not be null | medic null
        medic {\\n  interval = null\\n}                                            | F:2: medic.interval: must not be null | knob null
        medic {\\n  targets = [1]\\n}                                                 | F:2: medic.targets: expected an object { ... }, got a list | targets not an object
        """)
    void rejectsEachBrokenFileWithItsExactMessageAndLine(String text, String expected, String kind) throws IOException {
        assertEquals(List.of(expected), problemsOf(text.replace("\\n", "\n")));
    }

    @Test
    void aSyntaxErrorNamesFileAndLine() throws IOException {
        List<String> problems = problemsOf("medic {\n  interval = 30s\n  targets { api { container = \"x } }\n}\n");
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("F:3: syntax: "), problems.get(0));
    }

    @Test
    void reportsEveryProblemAtOnceInFileOrder() throws IOException {
        List<String> problems = problemsOf("""
                medic {
                  interval = soon
                  retry-interval = -1s
                  colour = blue
                  targets.api { container = x, http { url = "nope" }, docker-health = sometimes }
                }
                """);
        assertEquals(List.of(
                "F:4: medic.colour: unknown key",
                "F:2: medic.interval: expected a duration such as 30s or 5m, got \"soon\"",
                "F:3: medic.retry-interval: must be more than zero, got \"-1s\"",
                "F:5: medic.targets.api.http.url: not an http:// or https:// URL: \"nope\"",
                "F:5: medic.targets.api.docker-health: expected auto, on or off, got \"sometimes\""), problems);
    }

    @Test
    void anyWrongValueAnywhereIsAReportedProblemNeverACrash() throws Exception {
        List<String> lines = List.of(
                "medic {",
                "  interval = 60s",
                "  retry-interval = 10s",
                "  timeout = 5s",
                "  failure-threshold = 3",
                "  success-threshold = 1",
                "  start-period = 30s",
                "  escalation = [ { action = restart-container, attempts = 3 } ]",
                "  give-up-cooldown = 30m",
                "  docker { host = \"unix:///var/run/docker.sock\", timeout = 15s, stop-timeout = 10s }",
                "  compose { command = auto, timeout = 5m }",
                "  discovery { enabled = true, labels = [\"medic.enable=true\"] }",
                "  api.listen = \"127.0.0.1:9631\"",
                "  targets.api.service { project = shop, name = api }",
                "  targets.api.http { url = \"http://127.0.0.1:8000/health\", expect-status = [200], timeout = 2s }",
                "  targets.api.http.headers { Host = shop }",
                "  targets.api.docker-health = auto",
                "  targets.api.project { directory = /srv/shop, files = [a.yml] }",
                "  targets.w { container = shop_worker_1, interval = 30s }",
                "}");
        List<String> wrong = List.of("null", "5", "\"x\"", "[1]", "{ a = 1 }", "-1s", "[]", "{}", "0", "true");
        ConfigLoader.load(List.of(write("valid.conf", String.join("\n", lines))));
        int variants = 0;
        for (int i = 1; i < lines.size() - 1; i++) {
            String line = lines.get(i);
            int eq = line.indexOf(" = ");
            int brace = line.indexOf(" { ");
            int keyEnd = eq > 0 && (brace < 0 || eq < brace) ? eq : brace;
            for (String value : wrong) {
                List<String> mutated = new java.util.ArrayList<>(lines);
                mutated.set(i, line.substring(0, keyEnd) + " = " + value);
                Path file = write("mutated.conf", String.join("\n", mutated));
                try {
                    ConfigLoader.load(List.of(file));
                } catch (ConfigRejectedException e) {
                    assertTrue(e.problems().stream().allMatch(p -> p.toString().startsWith(file + ":")),
                            e.getMessage());
                }
                variants++;
            }
        }
        assertEquals((lines.size() - 2) * wrong.size(), variants);
    }

    @Test
    void aMissingFileIsReported() {
        Path missing = dir.resolve("nope.conf");
        ConfigRejectedException e = assertThrows(ConfigRejectedException.class,
                () -> ConfigLoader.load(List.of(missing)));
        assertEquals(missing + ": no such file", e.problems().get(0).toString());
    }

    @Test
    void noFilesMeansTheEmbeddedDefaults() throws Exception {
        MedicConfig config = ConfigLoader.load(List.of());
        HealthPolicy p = config.policy();
        assertEquals(Duration.ofSeconds(60), p.interval());
        assertEquals(Duration.ofSeconds(10), p.retryInterval());
        assertEquals(3, p.failureThreshold());
        assertEquals(1, p.successThreshold());
        assertEquals(Duration.ofSeconds(30), p.startPeriod());
        assertEquals(HealthPolicy.defaultLadder(), p.ladder());
        assertEquals(Duration.ofMinutes(30), p.giveUpCooldown());
        assertEquals(Duration.ofSeconds(10), config.timeout());
        assertEquals("unix:///var/run/docker.sock", config.docker().host());
        assertEquals(List.of(), config.compose().command(), "auto");
        assertEquals(Map.of("medic.enable", "true", "autoheal", "true"), config.discovery().labels());
        assertEquals("127.0.0.1:9631", config.apiListen().orElseThrow().toString());
        assertTrue(config.targets().isEmpty());
    }

    @Test
    void mapsTargetsWithOverridesAndLaterFilesWin() throws Exception {
        Path main = write("medic.conf", """
                medic {
                  retry-interval = 5s
                  targets {
                    api {
                      service { project = shop, name = api }
                      http { url = "http://127.0.0.1:8000/health", expect-status = [200, 204], expect-body = ok,
                             timeout = 2s, headers { Host = shop.local } }
                      failure-threshold = 2
                      escalation = [ { action = restart-container, attempts = 2 } ]
                      project { directory = /srv/shop, files = [docker-compose.yml] }
                    }
                    site { http { url = "https://example.com/" } }
                  }
                }
                """);
        Files.createDirectories(dir.resolve("conf.d"));
        write("conf.d/20-later.conf", "medic.targets.worker { container = shop_worker_1, docker-health = on }\n");
        write("conf.d/10-first.conf", "medic.retry-interval = 7s\n");

        MedicConfig config = ConfigLoader.load(ConfigLoader.defaultFiles(main, dir.resolve("conf.d")));

        assertEquals(Duration.ofSeconds(7), config.policy().retryInterval(), "conf.d overrides medic.conf");
        Map<String, TargetSpec> byName = new java.util.HashMap<>();
        config.targets().forEach(t -> byName.put(t.name(), t));
        ServiceTarget api = assertInstanceOf(ServiceTarget.class, byName.get("api"));
        assertEquals("shop", api.composeProject());
        assertEquals("api", api.service());
        assertEquals(2, api.policy().failureThreshold());
        assertEquals(List.of(new LadderStep(HealingActionKind.RESTART_CONTAINER, 2)), api.policy().ladder());
        assertEquals(Duration.ofSeconds(7), api.policy().retryInterval(), "inherited");
        HttpProbeSpec http = assertInstanceOf(HttpProbeSpec.class, api.probes().get(0));
        assertEquals(List.of(200, 204), http.expectStatus());
        assertEquals(Optional.of("ok"), http.expectBody());
        assertEquals(Duration.ofSeconds(2), http.timeout());
        assertEquals(Map.of("Host", "shop.local"), http.headers());
        assertTrue(http.tlsVerify());
        assertEquals(new ProjectOverride(Path.of("/srv/shop"), List.of(Path.of("/srv/shop/docker-compose.yml"))),
                api.project().orElseThrow());
        ContainerTarget worker = assertInstanceOf(ContainerTarget.class, byName.get("worker"));
        assertEquals(DockerHealthMode.ON, worker.dockerHealth());
        WatchOnlyTarget site = assertInstanceOf(WatchOnlyTarget.class, byName.get("site"));
        assertEquals(false, site.policy().healable());
        assertEquals(Duration.ofSeconds(10), ((HttpProbeSpec) site.probes().get(0)).timeout(), "the global timeout");
    }

    @Test
    void theApiAddressIsFoundEvenWhenAnotherFileIsBroken() throws IOException {
        Path good = write("10-api.conf", "medic.api.listen = \"127.0.0.1:19631\"\n");
        Path broken = write("20-broken.conf", "medic { targets.x { container = a, intervl = 5s } }\n");
        assertThrows(ConfigRejectedException.class, () -> ConfigLoader.load(List.of(good, broken)));
        Path unparseable = write("30-syntax.conf", "medic { api.listen = \n");

        assertEquals("127.0.0.1:19631", ConfigLoader.apiListenLeniently(List.of(good, broken)).orElseThrow()
                .toString(), "a semantic problem elsewhere does not matter");
        assertEquals("127.0.0.1:19631", ConfigLoader.apiListenLeniently(List.of(good, unparseable)).orElseThrow()
                .toString(), "a file that does not parse is skipped");
        Path badValue = write("40-bad.conf", "medic.api.listen = nonsense\n");
        assertEquals("127.0.0.1:9631", ConfigLoader.apiListenLeniently(Optional.of(badValue)).orElseThrow().toString());
        Path off = write("50-off.conf", "medic.api.listen = \"\"\n");
        assertTrue(ConfigLoader.apiListenLeniently(Optional.of(off)).isEmpty());
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
        medic.targets {\\n  api { container = a, depends-on = [dbb] }\\n  db { container = d }\\n} | F:2: medic.targets.api.depends-on: unknown target "dbb" (known: api, db) | unknown dependency
        medic.targets {\\n  api { container = a, depends-on = api }\\n}                        | F:2: medic.targets.api.depends-on: a target cannot depend on itself | self dependency
        medic.targets {\\n  a { container = a, depends-on = [b] }\\n  b { container = b, depends-on = [c] }\\n  c { container = c, depends-on = [a] }\\n} | F:2: medic.targets.a.depends-on: dependency cycle: a -> b -> c -> a | dependency cycle
        medic {\\n  max-actions { count = 0, per = 1h }\\n}                                   | F:2: medic.max-actions.count: must be at least 1, got 0 | zero max-actions
        medic {\\n  host-budget { count = 5, per = 0s }\\n}                                  | F:2: medic.host-budget.per: must be more than zero, got "0s" | budget with an empty window
        medic {\\n  backoff { initial = 1m, max = 10s }\\n}                                  | F:2: medic.backoff.max: must not be below initial (1m) | back-off max below initial
        medic {\\n  dry-run = sometimes\\n}                                                  | F:2: medic.dry-run: expected true or false, got "sometimes" | bad dry-run
        """)
    void rejectsBrokenSafetySettings(String text, String expected, String kind) throws IOException {
        assertEquals(List.of(expected), problemsOf(text.replace("\\n", "\n")));
    }

    @Test
    void readsTheSafetySettingsWithPerTargetOverrides() throws Exception {
        Path file = write("medic.conf", """
                medic {
                  max-actions { count = 4, per = 30m }
                  host-budget { count = 5, per = 10m }
                  dry-run = true
                  state-file = ""
                  targets {
                    db { container = d }
                    api { container = a, depends-on = [db], max-actions.count = 2, backoff.initial = 1s }
                  }
                }
                """);
        MedicConfig c = ConfigLoader.load(List.of(file));
        assertEquals(new dev.medic.core.ActionBudget(5, Duration.ofMinutes(10)), c.hostBudget());
        assertTrue(c.dryRun());
        assertTrue(c.stateFile().isEmpty(), "\"\" keeps state in memory");
        assertEquals(List.of("db"), c.dependenciesOf("api"));
        HealthPolicy api = c.targets().stream().filter(t -> t.name().equals("api")).findFirst().orElseThrow().policy();
        assertEquals(new dev.medic.core.ActionBudget(2, Duration.ofMinutes(30)), api.maxActions(),
                "a target's count with the global window");
        assertEquals(Duration.ofSeconds(1), api.backoffInitial());
        assertEquals(Duration.ofMinutes(10), api.backoffMax());
        MedicConfig defaults = ConfigLoader.load(List.of());
        assertEquals(Optional.of(Path.of("/var/lib/medic/state.json")), defaults.stateFile());
        assertEquals(new dev.medic.core.ActionBudget(6, Duration.ofHours(1)), defaults.policy().maxActions());
    }

    @Test
    void readsTcpRedisAndPostgresProbes() throws Exception {
        Path file = write("medic.conf", """
                medic.targets {
                  cache { tcp = "127.0.0.1:6379" }
                  redis { redis { address = "127.0.0.1:6379", password-file = "/etc/medic/redis.pass", timeout = 2s } }
                  db { postgres { address = "[::1]:5432", user = app } }
                }
                """);
        MedicConfig c = ConfigLoader.load(List.of(file));
        java.util.Map<String, ProbeSpec> probes = new java.util.HashMap<>();
        c.targets().forEach(t -> probes.put(t.name(), t.probes().get(0)));
        assertEquals(new TcpProbeSpec(new HostPort("127.0.0.1", 6379), Duration.ofSeconds(10)), probes.get("cache"));
        assertEquals(new RedisProbeSpec(new HostPort("127.0.0.1", 6379), Optional.of(Path.of("/etc/medic/redis.pass")),
                Duration.ofSeconds(2)), probes.get("redis"));
        assertEquals(new PostgresProbeSpec(new HostPort("::1", 5432), "app", "app", Duration.ofSeconds(10)),
                probes.get("db"), "the database defaults to the user's name, as libpq does");
        assertEquals("[::1]:5432", new HostPort("::1", 5432).toString());
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
        medic.targets.c {\\n  tcp = "localhost"\\n}                         | F:2: medic.targets.c.tcp: expected HOST:PORT such as "127.0.0.1:6379", got "localhost" | tcp without port
        medic.targets.c {\\n  tcp = "127.0.0.1:70000"\\n}                   | F:2: medic.targets.c.tcp: expected HOST:PORT such as "127.0.0.1:6379", got "127.0.0.1:70000" | tcp port out of range
        medic.targets.c {\\n  redis { password-file = x }\\n}               | F:2: medic.targets.c.redis: missing address, e.g. address = "127.0.0.1:6379" | redis without address
        medic.targets.c {\\n  redis { address = "127.0.0.1:6379", password = x }\\n} | F:2: medic.targets.c.redis.password: unknown key | redis password inline
        medic.targets.c {\\n  postgres { address = "127.0.0.1:5432", timeout = 2m }\\n} | F:2: medic.targets.c.postgres.timeout: timeout 2m must be shorter than interval 1m | postgres timeout
        """)
    void rejectsBrokenServerProbes(String text, String expected, String kind) throws IOException {
        assertEquals(List.of(expected), problemsOf(text.replace("\\n", "\n")));
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
        medic.targets.w {\\n  http { url = "http://127.0.0.1:1/", method = FETCH }\\n} | F:2: medic.targets.w.http.method: expected one of DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, got "FETCH" | unknown method
        medic.targets.w {\\n  http { url = "http://127.0.0.1:1/", body = "x" }\\n}    | F:2: medic.targets.w.http.body: a GET request has no body; set method = POST (or PUT, PATCH) | body on GET
        medic.targets.w {\\n  http { url = "http://127.0.0.1:1/", expect-json { path = status } }\\n} | F:2: medic.targets.w.http.expect-json: missing equals, e.g. equals = "ok" | expect-json without equals
        """)
    void rejectsBrokenHttpExtensions(String text, String expected, String kind) throws IOException {
        assertEquals(List.of(expected), problemsOf(text.replace("\\n", "\n")));
    }

    @Test
    void readsHttpExtensions() throws Exception {
        Path file = write("medic.conf", """
                medic.targets.w.http {
                  url = "http://127.0.0.1:8002/healthz"
                  method = post
                  body = "{}"
                  follow-redirects = true
                  expect-json { path = "status", equals = "ok" }
                }
                """);
        HttpProbeSpec h = (HttpProbeSpec) ConfigLoader.load(List.of(file)).targets().get(0).probes().get(0);
        assertEquals("POST", h.method());
        assertEquals(Optional.of("{}"), h.body());
        assertTrue(h.followRedirects());
        assertEquals(Optional.of(new HttpProbeSpec.JsonExpectation("status", "ok")), h.expectJson());
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
        medic.targets.c {\\n  container = c\\n  exec = "redis-cli ping"\\n}  | F:3: medic.targets.c.exec: give the command as a list, e.g. ["redis-cli", "ping"], not one string | exec as string
        medic.targets.c {\\n  container = c\\n  exec = []\\n}                | F:3: medic.targets.c.exec: the command is empty | empty exec
        medic.targets.c {\\n  http { url = "http://127.0.0.1:1/" }\\n  exec = [true]\\n} | F:3: medic.targets.c.exec: runs inside the target's container: set container or service | exec without container
        """)
    void rejectsBrokenExecProbes(String text, String expected, String kind) throws IOException {
        assertEquals(List.of(expected), problemsOf(text.replace("\\n", "\n")));
    }

    @Test
    void tlsExpiryAlertsOnlyAndSoStaysOffTargetsThatHeal() throws IOException {
        assertEquals(List.of("F:3: medic.targets.c.tls-expiry: alerts only, so it belongs on a target without container"
                + " or service (a restart does not renew a certificate)"), problemsOf("""
                medic.targets.c {
                  container = c
                  tls-expiry { address = "shop.example.com:443" }
                }
                """));
    }

    @Test
    void readsHostResourceLimitsOnAWatchOnlyTarget() throws Exception {
        Path file = write("medic.conf", """
                medic.targets.host.host {
                  disk { path = "/var", max-used = 90% }
                  memory { min-available = 5% }
                  swap { max-used = 80 }
                }
                """);
        TargetSpec t = ConfigLoader.load(List.of(file)).targets().get(0);
        assertInstanceOf(WatchOnlyTarget.class, t);
        assertEquals(new HostProbeSpec(Optional.of(new HostProbeSpec.Disk(Path.of("/var"), 90)), Optional.of(5),
                Optional.of(80)), t.probes().get(0));
        assertEquals(List.of("F:2: medic.targets.h.host.disk.max-used: expected a percentage 0-100% such as 90%, got \"lots\""),
                problemsOf("medic.targets.h {\n  host { disk { max-used = lots } }\n}\n"));
        assertEquals(List.of("F:3: medic.targets.h.host: alerts only, so it belongs on a target without container or service"),
                problemsOf("medic.targets.h {\n  container = c\n  host { swap { max-used = 80% } }\n}\n"));
    }

    @Test
    void aSystemdUnitTargetHealsWithRestartUnitOnly() throws Exception {
        Path file = write("medic.conf", "medic.targets.nginx { systemd-unit = \"nginx.service\" }\n");
        TargetSpec t = ConfigLoader.load(List.of(file)).targets().get(0);
        assertInstanceOf(SystemdUnitTarget.class, t);
        assertEquals("nginx.service", ((SystemdUnitTarget) t).unit());
        assertEquals(List.of(new LadderStep(HealingActionKind.RESTART_UNIT, 3)), t.policy().ladder(),
                "the default container ladder becomes three unit restarts");
        assertEquals(List.of("F:3: medic.targets.nginx.escalation: a systemd-unit target has no container or compose"
                        + " project to restart; its ladder may only use restart-unit and exec-host"),
                problemsOf("medic.targets.nginx {\n  systemd-unit = nginx.service\n"
                        + "  escalation = [ { action = restart-project } ]\n}\n"));
        assertEquals(List.of("F:3: medic.targets.api.escalation: restart-unit heals a systemd-unit target; a container"
                        + " heals with restart-container, restart-project or recreate-service"),
                problemsOf("medic.targets.api {\n  container = a\n  escalation = [ { action = restart-unit } ]\n}\n"));
    }

    @Test
    void recreateServiceIsALadderRungGloballyAndPerTargetButNotForAUnit() throws Exception {
        Path file = write("medic.conf", """
                medic {
                  escalation = [
                    { action = restart-container, attempts = 2 }
                    { action = recreate-service, attempts = 1 }
                  ]
                  targets.beat {
                    service { project = advakod, name = celery-beat }
                    escalation = [ { action = recreate-service, attempts = 2 } ]
                  }
                }
                """);
        MedicConfig c = ConfigLoader.load(List.of(file));
        assertEquals(List.of(new LadderStep(HealingActionKind.RESTART_CONTAINER, 2),
                new LadderStep(HealingActionKind.RECREATE_SERVICE, 1)), c.policy().ladder());
        assertEquals(List.of(new LadderStep(HealingActionKind.RECREATE_SERVICE, 2)), c.targets().get(0).policy().ladder());
        assertEquals(List.of("F:3: medic.targets.nginx.escalation: a systemd-unit target has no container or compose"
                        + " project to restart; its ladder may only use restart-unit and exec-host"),
                problemsOf("medic.targets.nginx {\n  systemd-unit = nginx.service\n"
                        + "  escalation = [ { action = recreate-service } ]\n}\n"));
    }

    @Test
    void aHostTargetBecomesHealableOnlyWithItsOwnExecHostSteps() throws Exception {
        Path file = write("medic.conf", """
                medic.targets {
                  disk {
                    host { disk { path = "/", max-used = 90% } }
                    escalation = [ { action = exec-host, command = ["/usr/local/bin/clean-logs", "--old"], attempts = 2 } ]
                  }
                  swap { host { swap { max-used = 80% } } }
                }
                """);
        MedicConfig c = ConfigLoader.load(List.of(file));
        HealthPolicy disk = c.targets().stream().filter(t -> t.name().equals("disk")).findFirst().orElseThrow().policy();
        assertTrue(disk.healable());
        assertEquals(List.of(new LadderStep(HealingActionKind.EXEC_HOST, 2, List.of("/usr/local/bin/clean-logs", "--old"))),
                disk.ladder());
        assertEquals(false, c.targets().stream().filter(t -> t.name().equals("swap")).findFirst().orElseThrow()
                .policy().healable(), "without exec-host steps it only alerts");
        assertEquals(List.of("F:1: medic.targets.d.escalation: a target without container, service or systemd-unit"
                        + " can only run exec-host steps"),
                problemsOf("medic.targets.d { host { swap { max-used = 80% } }, escalation = [ { action = restart-container } ] }"));
        assertEquals(List.of("F:1: medic.targets.d.escalation[0]: exec-host needs a command, e.g. command ="
                        + " [\"/usr/local/bin/clean-logs\"]"),
                problemsOf("medic.targets.d { host { swap { max-used = 80% } }, escalation = [ { action = exec-host } ] }"));
    }

    @Test
    void readsNotifyChannelsWithSecretsFromFilesAndNeverPrintsThem() throws Exception {
        Path token = write("telegram.token", "123:secret-token\n");
        Path headers = write("webhook.headers", "Authorization: Bearer abc\n");
        Path password = write("smtp.pass", "pw-9\n");
        MedicConfig c = ConfigLoader.load(List.of(write("medic.conf", String.join("\n",
                "medic {",
                "  notify {",
                "    min-severity = error",
                "    delivery { attempts = 5, redeliver-every = 30s }",
                "    telegram { bot-token-file = \"" + token + "\", chat-id = \"-100\", api-url = \"http://127.0.0.1:1/\" }",
                "    webhook { url = \"http://127.0.0.1:9000/medic\", headers-file = \"" + headers + "\", min-severity = warning, targets = [api] }",
                "    email { smtp = \"127.0.0.1:2525\", starttls = false, user = medic, password-file = \"" + password + "\",",
                "            from = \"medic@example.com\", to = \"ops@example.com\" }",
                "  }",
                "  heartbeat-url = \"https://hc.example.com/ping/uuid\"",
                "  targets.api.container = shop_api_1",
                "}"))));

        NotifySettings n = c.notifications();
        assertEquals(Severity.ERR, n.minSeverity());
        assertEquals(5, n.delivery().attempts());
        assertEquals(Duration.ofSeconds(30), n.delivery().redeliverEvery());
        NotifySettings.Telegram telegram = (NotifySettings.Telegram) n.channels().get(0);
        assertEquals("123:secret-token", telegram.botToken().reveal());
        assertEquals("http://127.0.0.1:1", telegram.apiUrl());
        assertEquals(Severity.ERR, telegram.routing().minSeverity(), "the notify-wide minimum is the default");
        NotifySettings.Webhook webhook = (NotifySettings.Webhook) n.channels().get(1);
        assertEquals(Map.of("Authorization", "Bearer abc"), webhook.headerMap());
        assertEquals(new NotifySettings.Routing(Severity.WARNING, List.of("api")), webhook.routing());
        NotifySettings.Email email = (NotifySettings.Email) n.channels().get(2);
        assertEquals(List.of("ops@example.com"), email.to());
        assertEquals("pw-9", email.password().orElseThrow().reveal());
        assertEquals("https://hc.example.com/ping/uuid", c.heartbeat().orElseThrow().url().toString());
        assertEquals(Duration.ofMinutes(1), c.heartbeat().orElseThrow().every());
        String printed = c.toString();
        assertFalse(printed.contains("secret-token") || printed.contains("pw-9") || printed.contains("Bearer abc"),
                printed);
    }

    @Test
    void theShippedExampleValidatesOnceItsSecretFilesExist() throws Exception {
        for (String secret : List.of("telegram.token", "slack.url", "webhook.headers", "smtp.pass")) {
            write(secret, secret.equals("slack.url") ? "https://hooks.slack.com/services/T/B/x"
                    : secret.equals("webhook.headers") ? "Authorization: Bearer x" : "s3cret");
        }
        List<String> lines = Files.readAllLines(Path.of("conf/medic.conf"));
        int start = lines.indexOf("# medic {");
        StringBuilder example = new StringBuilder();
        for (String line : lines.subList(start, lines.size())) {
            example.append(line.replaceFirst("^# ?", "").replace("/etc/medic/", dir + "/")).append('\n');
        }

        MedicConfig c = ConfigLoader.load(List.of(write("example.conf", example.toString())));

        assertEquals(3, c.targets().size());
        assertEquals(4, c.notifications().channels().size());
        assertTrue(c.heartbeat().isPresent());
    }
}
