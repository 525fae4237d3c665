package dev.medic.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * medic as an operator runs it: the .deb installed with apt into a Debian booted with systemd (see
 * {@link BootedDebian}), managed with systemctl and read with journalctl, healing a container of the
 * host's real dockerd. The tests run in order on one booted system, like an operator's day: install,
 * a crash healed, reloads, medic itself killed and wedged, an upgrade, the ladder's project restart of
 * compose projects in private homes and a host unit restarted through medic's polkit rule (both as the
 * service's own user), stop, remove and purge, then the same service from scripts/install.sh and
 * scripts/uninstall.sh.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemdServiceIT {
    private static final Path DEB = Path.of("target/medic_" + version() + "_all.deb");
    private static final String PREFIX = "medic-e2e-" + UUID.randomUUID().toString().substring(0, 6);
    private static final String VICTIM = PREFIX + "-victim";
    private static final int API_PORT = DockerFixture.freePort();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUFFIX = PREFIX.substring("medic-e2e-".length());
    /** Another user's private home on the host, bound into the machine at the same path. */
    private static final Path ALICE_HOME = Path.of("/home/e2e-alice-" + SUFFIX);
    private static final Path ALICE_APP = ALICE_HOME.resolve("app");
    private static final String ALICE_PROJECT = "e2ealice" + SUFFIX;
    /** A project in root's home inside the machine. */
    private static final Path ROOT_APP = Path.of("/root/e2e-root-app-" + SUFFIX);
    private static final String ROOT_PROJECT = "e2eroot" + SUFFIX;
    private static final int ALICE_UID = 4242;
    private static final String SLEEP = "100042";
    private static final String GREETING = "from-the-env-file";

    private static BootedDebian debian;

    private static String version() {
        try (var in = SystemdServiceIT.class.getResourceAsStream("/dev/medic/version.properties")) {
            var p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @BeforeAll
    static void bootAndStartAVictim() throws Exception {
        assertTrue(Files.exists(DEB), DEB + " is built by mvn package before the integration tests");
        DockerFixture.requireDockerAndImage();
        Cli.run("docker", "run", "-d", "--name", VICTIM, "--network", "host", "--label", "medic.test=" + PREFIX,
                DockerFixture.IMAGE, "sleep", "100000").orFail();
        writeProject(ALICE_APP);
        // alice's home: hers, 0700; her files 0600. Only root, and a process with CAP_DAC_READ_SEARCH, reads them.
        Cli.run("chown", "-R", ALICE_UID + ":" + ALICE_UID, ALICE_HOME.toString()).orFail();
        Cli.run("chmod", "-R", "u=rwX,go=", ALICE_HOME.toString()).orFail();
        debian = BootedDebian.boot(Path.of("target/e2e"), List.of(ALICE_HOME));
        // As on a Docker host: group docker owns the socket (the container shares the host's ids).
        String socketGid = Cli.run("stat", "-c", "%g", "/var/run/docker.sock").orFail().output();
        debian.run("groupadd", "--gid", socketGid, "docker").orFail();
        Files.copy(DEB, debian.root().resolve("root/medic.deb"));
        Files.writeString(debian.root().resolve("etc/medic-e2e.conf"), """
                medic {
                  interval = 2s
                  retry-interval = 1s
                  timeout = 1s
                  start-period = 2s
                  docker.stop-timeout = 1s
                  discovery.enabled = false
                  api.listen = "127.0.0.1:%d"
                  targets.victim { container = "%s" }
                }
                """.formatted(API_PORT, VICTIM));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try {
            if (debian != null) {
                debian.close();
            }
        } finally {
            Cli.run("docker", "rm", "-f", VICTIM);
            for (String project : List.of(ALICE_PROJECT, ROOT_PROJECT)) {
                for (String id : containersOf(project).split("\\s+")) {
                    if (!id.isBlank()) {
                        Cli.run("docker", "rm", "-f", id);
                    }
                }
            }
            Cli.run("rm", "-rf", "--one-file-system", ALICE_HOME.toString());
        }
    }

    /**
     * A compose project of one busybox service on the host's network whose command comes from {@code .env} and
     * whose environment from an env_file: a compose that could not read them would make another container.
     */
    private static void writeProject(Path dir) throws java.io.IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("docker-compose.yml"), """
                version: "2.4"
                services:
                  web:
                    image: %s
                    network_mode: host
                    command: ["sleep", "${E2E_SLEEP}"]
                    env_file: app.env
                    stop_signal: SIGKILL
                """.formatted(DockerFixture.IMAGE));
        Files.writeString(dir.resolve(".env"), "E2E_SLEEP=" + SLEEP + "\n");
        Files.writeString(dir.resolve("app.env"), "GREETING=" + GREETING + "\n");
    }

    /** The ids of a compose project's containers (all of them, running or not). */
    private static String containersOf(String project) {
        return Cli.run("docker", "ps", "-aq", "--no-trunc", "--filter", "label=com.docker.compose.project=" + project)
                .output().strip();
    }

    /** The first journal line of medic's with every one of {@code parts}. */
    private static java.util.Optional<String> journalLine(String... parts) {
        return journal("debug").lines().filter(l -> java.util.Arrays.stream(parts).allMatch(l::contains)).findFirst();
    }

    private static String phaseOf(String target) throws Exception {
        for (JsonNode t : status().path("targets")) {
            if (t.path("name").asText().equals(target)) {
                return t.path("phase").asText();
            }
        }
        return "";
    }

    private static String show(String property) {
        return debian.run("systemctl", "show", "-p", property, "--value", "medic").orFail().output();
    }

    private static String journal(String priorities) {
        return debian.run("journalctl", "-u", "medic", "-p", priorities, "--no-pager", "-o", "cat").output();
    }

    private static JsonNode status() throws Exception {
        return JSON.readTree(debian.run("medic", "status", "--json").orFail().output());
    }

    @Test
    @Order(1)
    void theDebInstalledWithAptRunsAsAnActiveServiceThatReportsItsStatus() {
        debian.sh("mkdir -p /etc/medic/conf.d && cp /etc/medic-e2e.conf /etc/medic/conf.d/10-e2e.conf").orFail();
        debian.run(Duration.ofMinutes(3), "apt-get", "install", "-y", "/root/medic.deb").orFail();

        await().atMost(Duration.ofSeconds(30)).until(() -> debian.run("systemctl", "is-active", "medic").output()
                .equals("active"));
        String status = debian.run("systemctl", "status", "medic", "--no-pager").output();
        assertTrue(status.contains("Status: \"1 target, 0 failing\""), status);
        assertEquals("medic", debian.run("stat", "-c", "%U", "/var/lib/medic").orFail().output());
        assertTrue(debian.run("id", "-nG", "medic").orFail().output().contains("docker"));
        assertEquals("enabled", debian.run("systemctl", "is-enabled", "medic").output());
    }

    @Test
    @Order(2)
    void aContainerKilledOnTheHostIsRestartedAndTheJournalCarriesEachLineAtItsPriority() {
        await().atMost(Duration.ofSeconds(30)).until(() -> journal("info").contains("event=started"));
        await().atMost(Duration.ofSeconds(15)).until(() -> !journal("info").contains("target=victim")
                || status().path("targets").get(0).path("phase").asText().equals("HEALTHY"));
        String before = DockerFixture.startedAt(VICTIM);

        Cli.run("docker", "kill", VICTIM).orFail();

        await().atMost(Duration.ofSeconds(15)).until(() -> DockerFixture.running(VICTIM)
                && !DockerFixture.startedAt(VICTIM).equals(before));
        await().atMost(Duration.ofSeconds(10)).until(() -> journal("notice..notice").contains(
                "event=heal_finished target=victim"));
        String warnings = journal("warning..warning");
        assertTrue(warnings.contains("event=heal_started target=victim"), warnings);
        assertTrue(journal("notice..notice").contains("outcome=ok"));
        String warningAndWorse = journal("warning");
        assertFalse(warningAndWorse.contains("event=started"), "info lines stay out of -p warning");
        assertFalse(warningAndWorse.contains("event=heal_finished"), "notice lines stay out of -p warning");
        String errors = journal("err");
        assertFalse(errors.contains("event=config_loaded") || errors.contains("event=started")
                || errors.contains("event=heal_started"), errors);
        assertFalse(journal("debug").contains("<6>"), "journald parses the priority prefix off every line");
    }

    @Test
    @Order(3)
    void aSystemdUnitOnTheHostIsCheckedByItsStateAndHealedWithARestart() {
        debian.sh("""
                printf '[Service]\\nExecStart=/bin/sleep infinity\\n' > /etc/systemd/system/medic-e2e-dummy.service
                printf 'medic {\\n  api.listen = ""\\n  discovery.enabled = false\\n  targets.dummy { systemd-unit = medic-e2e-dummy.service }\\n  targets.ghost { systemd-unit = medic-e2e-ghost.service }\\n}\\n' > /etc/medic-units.conf
                systemctl daemon-reload
                """).orFail();

        Cli.Result check = debian.run("medic", "check", "--heal", "--config", "/etc/medic-units.conf");
        assertEquals(1, check.exitCode(), check.output());
        assertTrue(check.output().contains("dummy   FAIL    unit medic-e2e-dummy.service is inactive (dead)"),
                check.output());
        assertTrue(check.output().contains("HEAL    restart-unit ok: systemctl restart medic-e2e-dummy.service → exit 0"),
                check.output());
        assertTrue(check.output().contains("ghost   FAIL    unit medic-e2e-ghost.service not found"), check.output());
        assertEquals("active", debian.run("systemctl", "is-active", "medic-e2e-dummy.service").output());

        Cli.Result doctor = debian.run("medic", "doctor", "--config", "/etc/medic-units.conf");
        assertTrue(doctor.output().contains("ok    target dummy: unit medic-e2e-dummy.service is active (running)"),
                doctor.output());
        assertTrue(doctor.output().contains("FAIL  target ghost: unit medic-e2e-ghost.service not found"),
                doctor.output());
        debian.sh("systemctl stop medic-e2e-dummy.service; rm -f /etc/systemd/system/medic-e2e-dummy.service "
                + "/etc/medic-units.conf; systemctl daemon-reload").orFail();
    }

    @Test
    @Order(4)
    void aBrokenReloadFailsAndKeepsTheRunningConfigAndAFixedOneBringsTheNewTargetIn() throws Exception {
        String pid = show("MainPID");
        int actionsBefore = status().path("targets").get(0).path("actions").asInt();
        assertTrue(actionsBefore >= 1, "the victim was healed once already");
        debian.sh("printf 'medic {\\n  targets.second { container = \"%s\", intervl = 5s }\\n}\\n' "
                .formatted(VICTIM) + "> /etc/medic/conf.d/20-second.conf").orFail();

        Cli.Result reload = debian.run("systemctl", "reload", "medic");
        assertTrue(reload.exitCode() != 0, "a rejected config fails the reload: " + reload.output());

        await().atMost(Duration.ofSeconds(10)).until(() -> journal("debug..emerg")
                .contains("/etc/medic/conf.d/20-second.conf:2: medic.targets.second.intervl: unknown key"));
        assertEquals("active", debian.run("systemctl", "is-active", "medic").output());
        assertEquals(pid, show("MainPID"), "a reload never restarts the process");
        assertEquals(List.of("victim"), targetNames());

        debian.sh("sed -i 's/intervl/interval/' /etc/medic/conf.d/20-second.conf").orFail();
        debian.run("systemctl", "reload", "medic").orFail();

        await().atMost(Duration.ofSeconds(10)).until(() -> targetNames().equals(List.of("second", "victim")));
        assertEquals(pid, show("MainPID"));
        JsonNode victim = status().path("targets").get(1);
        assertEquals(actionsBefore, victim.path("actions").asInt(), "an unchanged target keeps its state");
        assertTrue(journal("info..info").contains("event=config_loaded"), "the reload is logged");
        await().atMost(Duration.ofSeconds(10)).until(() -> debian.run("systemctl", "status", "medic", "--no-pager")
                .output().contains("Status: \"2 targets, 0 failing\""));
    }

    private static List<String> targetNames() throws Exception {
        return status().path("targets").findValuesAsText("name");
    }

    @Test
    @Order(5)
    void systemdRestartsMedicWhenItIsKilledAndWhenItsWatchdogStopsHearingFromIt() {
        String pid = show("MainPID");
        int restarts = Integer.parseInt(show("NRestarts"));

        debian.run("kill", "-9", pid).orFail();

        await().atMost(Duration.ofSeconds(30)).until(() -> !show("MainPID").equals(pid)
                && !show("MainPID").equals("0") && show("ActiveState").equals("active"));
        assertEquals(restarts + 1, Integer.parseInt(show("NRestarts")));

        String frozen = show("MainPID");
        debian.run("kill", "-STOP", frozen).orFail();

        // WatchdogSec=30s: the frozen JVM sends no more pings, so systemd kills it and starts another.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !show("MainPID").equals(frozen) && show("ActiveState").equals("active"));
        assertEquals(restarts + 2, Integer.parseInt(show("NRestarts")));
        String systemdSays = debian.run("journalctl", "-u", "medic", "--no-pager").output();
        assertTrue(systemdSays.contains("Failed with result 'watchdog'"), systemdSays);
    }

    @Test
    @Order(6)
    void anUpgradeKeepsTheOperatorsConfigurationAndTheStateAndRestartsTheService() {
        await().atMost(Duration.ofSeconds(30)).until(() -> show("ActiveState").equals("active"));
        debian.sh("echo '# tuned by the operator' >> /etc/medic/medic.conf && touch /var/lib/medic/kept").orFail();
        String pid = show("MainPID");

        // The same version again takes dpkg's upgrade path: prerm upgrade, postinst configure <old version>.
        debian.run(Duration.ofMinutes(3), "apt-get", "install", "--reinstall", "-y", "/root/medic.deb").orFail();

        assertTrue(debian.run("cat", "/etc/medic/medic.conf").output().endsWith("# tuned by the operator"));
        assertEquals(0, debian.run("test", "-e", "/var/lib/medic/kept").exitCode());
        await().atMost(Duration.ofSeconds(30)).until(() -> show("ActiveState").equals("active")
                && !show("MainPID").equals(pid));
    }

    @Test
    @Order(7)
    void theServiceRunsWithOneReadOnlyCapabilityAmbientAndNoNewPrivilegesWithinTheExposureLimit() {
        await().atMost(Duration.ofSeconds(30)).until(() -> show("ActiveState").equals("active"));
        String pid = show("MainPID");

        String status = debian.run("cat", "/proc/" + pid + "/status").orFail().output();

        // CAP_DAC_READ_SEARCH is capability 2: the mask 0x4, in every set; NoNewPrivileges is on.
        for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")) {
            assertTrue(status.contains(set + ":\t0000000000000004"), set + " in " + status);
        }
        assertTrue(status.contains("NoNewPrivs:\t1"), status);
        String analyze = debian.run("systemd-analyze", "security", "--no-pager", "medic.service").output();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Overall exposure level for medic.service: "
                + "(\\d+\\.\\d)").matcher(analyze);
        assertTrue(m.find(), analyze);
        System.out.println("systemd-analyze security medic.service: " + m.group(1));
        assertTrue(Double.parseDouble(m.group(1)) <= 2.0, "exposure " + m.group(1) + " is over 2.0:\n" + analyze);
    }

    @Test
    @Order(8)
    void theServiceRestartsComposeProjectsInAnotherUsersPrivateHomeAndInRootAndDoctorSaysWhy() throws Exception {
        // alice's project, brought up on the host (its labels name the host's paths, which the machine shares); root's,
        // brought up inside the machine. The service reads neither by its user: only through CAP_DAC_READ_SEARCH.
        Cli.run(ALICE_APP, List.of("docker-compose", "-p", ALICE_PROJECT, "up", "-d")).orFail();
        Path rootApp = debian.root().resolve(ROOT_APP.toString().substring(1));
        writeProject(rootApp);
        debian.sh("chmod 0700 /root && chmod -R go= " + ROOT_APP + " && cd " + ROOT_APP + " && docker-compose -p "
                + ROOT_PROJECT + " up -d").orFail();
        assertEquals(1, debian.run("runuser", "-u", "medic", "--", "test", "-r", ALICE_APP + "/docker-compose.yml")
                .exitCode(), "the user medic alone cannot read alice's compose file");
        String aliceBefore = containersOf(ALICE_PROJECT);
        String rootBefore = containersOf(ROOT_PROJECT);
        assertFalse(aliceBefore.isBlank() || rootBefore.isBlank(), aliceBefore + " / " + rootBefore);
        int nothingListens = DockerFixture.freePort();
        // A probe that fails for good, one failure is enough, and the ladder's only rung is the project restart.
        debian.sh("cat > /etc/medic/conf.d/30-homes.conf <<'EOF'\n" + """
                medic.targets {
                  alice-web {
                    service { project = "%s", name = web }
                    http { url = "http://127.0.0.1:%d/", timeout = 1s }
                    failure-threshold = 1
                    escalation = [ { action = restart-project, attempts = 1 } ]
                  }
                  root-web {
                    service { project = "%s", name = web }
                    http { url = "http://127.0.0.1:%d/", timeout = 1s }
                    failure-threshold = 1
                    escalation = [ { action = restart-project, attempts = 1 } ]
                  }
                }
                """.formatted(ALICE_PROJECT, nothingListens, ROOT_PROJECT, nothingListens) + "EOF").orFail();
        debian.run("systemctl", "reload", "medic").orFail();

        for (String target : List.of("alice-web", "root-web")) {
            await(target + " healed with a project restart").atMost(Duration.ofSeconds(90))
                    .until(() -> journalLine("event=heal_finished target=" + target + " ", "action=restart-project")
                            .isPresent());
            String line = journalLine("event=heal_finished target=" + target + " ", "action=restart-project").get();
            assertTrue(line.contains("outcome=ok"), line);
        }
        for (String[] p : List.of(new String[] {ALICE_PROJECT, aliceBefore}, new String[] {ROOT_PROJECT, rootBefore})) {
            String after = containersOf(p[0]);
            assertFalse(after.isBlank(), p[0] + " has no container after its restart");
            assertNotEquals(p[1], after, p[0] + "'s containers are new");
            // Made by medic's compose from the project's .env and env_file: it could read them.
            assertEquals("[sleep " + SLEEP + "]", DockerFixture.inspect(after, "{{.Config.Cmd}}"));
            assertTrue(DockerFixture.inspect(after, "{{.Config.Env}}").contains("GREETING=" + GREETING));
            assertTrue(DockerFixture.running(after), p[0]);
        }

        // doctor, run by root, judges by the service's user and the unit's capability.
        String doctor = debian.run("medic", "doctor").output();
        assertTrue(doctor.lines().anyMatch(l -> l.startsWith("ok    project " + ALICE_PROJECT + " (target alice-web):"
                + " medic can read " + ALICE_APP + " and its 3 compose and env files (through CAP_DAC_READ_SEARCH)")),
                doctor);
        assertTrue(doctor.lines().anyMatch(l -> l.startsWith("ok    project " + ROOT_PROJECT + " (target root-web):"
                + " medic can read " + ROOT_APP + " and its ")), doctor);
        assertTrue(doctor.contains("ok    docker: /var/run/docker.sock: medic may use it (group docker"), doctor);
        // Without the capability (a drop-in taking it away, the service not restarted), doctor names it as the fix;
        // its paths are the compose file, .env, the env_file the compose file names, and the directory.
        debian.sh("mkdir -p /etc/systemd/system/medic.service.d && printf '[Service]\\nAmbientCapabilities=\\n"
                + "CapabilityBoundingSet=\\n' > /etc/systemd/system/medic.service.d/50-e2e.conf "
                + "&& systemctl daemon-reload").orFail();
        try {
            String without = debian.run("medic", "doctor").output();
            assertTrue(without.contains("FAIL  project " + ALICE_PROJECT + " (target alice-web): medic cannot read "
                    + ALICE_APP + "/docker-compose.yml (0700 " + ALICE_HOME + ") and 3 more of its paths: the unit's"
                    + " CAP_DAC_READ_SEARCH is missing; reinstall the package or add"
                    + " AmbientCapabilities=CAP_DAC_READ_SEARCH and CapabilityBoundingSet=CAP_DAC_READ_SEARCH"
                    + " (systemctl edit medic)"), without);
            assertTrue(without.contains("FAIL  project " + ROOT_PROJECT + " (target root-web): medic cannot read "
                    + ROOT_APP + "/docker-compose.yml (0700 /root) and 3 more of its paths: the unit's"
                    + " CAP_DAC_READ_SEARCH is missing"), without);
        } finally {
            debian.sh("rm -rf /etc/systemd/system/medic.service.d && systemctl daemon-reload").orFail();
        }

        debian.sh("rm -f /etc/medic/conf.d/30-homes.conf").orFail();
        debian.run("systemctl", "reload", "medic").orFail();
        Cli.run(ALICE_APP, List.of("docker-compose", "-p", ALICE_PROJECT, "down")).orFail();
        debian.sh("cd " + ROOT_APP + " && docker-compose -p " + ROOT_PROJECT + " down && rm -rf " + ROOT_APP).orFail();
    }

    @Test
    @Order(9)
    void theServiceWritesThePolkitListFromItsConfigAndRestartsOnlyTheUnitsItsTargetsName() throws Exception {
        debian.sh("""
                printf '[Service]\\nExecStart=/bin/sleep infinity\\n' > /etc/systemd/system/medic-e2e-dummy.service
                printf '[Service]\\nExecStart=/bin/sleep infinity\\n' > /etc/systemd/system/medic-e2e-other.service
                systemctl daemon-reload
                systemctl start medic-e2e-dummy.service medic-e2e-other.service
                """).orFail();
        String list = "/etc/polkit-1/medic-restartable-units";
        String units = "/etc/medic/conf.d/40-units.conf";
        String dummyTarget = "dummy { systemd-unit = medic-e2e-dummy, failure-threshold = 1 }\n";
        String otherTarget = "other { systemd-unit = medic-e2e-other.service, failure-threshold = 1 }\n";
        debian.sh("printf 'medic.targets {\\n" + dummyTarget + "}\\n' > " + units + " && chmod 0640 " + units
                + " && chgrp medic " + units).orFail();
        debian.run("systemctl", "reload", "medic").orFail();
        // Root wrote the list from the config at the reload: the unit as systemd resolved it, root's, readable.
        assertEquals(List.of("medic-e2e-dummy.service"), listedUnits(list));
        assertEquals("root root 644", debian.run("stat", "-c", "%U %G %a", list).output());
        // Shipped disabled: the list grants nothing until the rule is linked; then linking is all it takes.
        assertNotEquals(0, debian.run("runuser", "-u", "medic", "--", "systemctl", "restart",
                "medic-e2e-dummy.service").exitCode(), "without the rule the user medic may restart nothing");
        debian.run("ln", "-s", "/usr/share/medic/polkit/50-medic.rules", "/etc/polkit-1/rules.d/").orFail();
        await("polkitd reads the new rule").atMost(Duration.ofSeconds(20)).until(() -> mayRestart("medic-e2e-dummy"));
        // Verbs other than restart (systemd asks polkit with verb stop, start, kill), and units no target names.
        for (List<String> refused : List.of(List.of("stop", "medic-e2e-dummy.service"),
                List.of("start", "medic-e2e-dummy.service"), List.of("kill", "medic-e2e-dummy.service"),
                List.of("restart", "medic-e2e-other.service"))) {
            List<String> cmd = new java.util.ArrayList<>(List.of("runuser", "-u", "medic", "--", "systemctl"));
            cmd.addAll(refused);
            assertNotEquals(0, debian.run(cmd.toArray(String[]::new)).exitCode(), "refused: " + refused);
        }
        assertEquals("active", debian.run("systemctl", "is-active", "medic-e2e-dummy.service").output());
        await().atMost(Duration.ofSeconds(30)).until(() -> phaseOf("dummy").equals("HEALTHY"));
        assertTrue(debian.run("medic", "doctor").output().contains("ok    target dummy: medic may restart"
                + " medic-e2e-dummy.service (medic's polkit rule is enabled and " + list + " lists it)"));

        debian.run("systemctl", "kill", "--signal=KILL", "medic-e2e-dummy.service").orFail();

        await("dummy healed by the service").atMost(Duration.ofSeconds(30)).until(() -> journalLine(
                "event=heal_finished target=dummy ", "action=restart-unit").isPresent());
        String healed = journalLine("event=heal_finished target=dummy ", "action=restart-unit").get();
        assertTrue(healed.contains("outcome=ok"), healed);
        await().atMost(Duration.ofSeconds(10)).until(() -> debian.run("systemctl", "is-active",
                "medic-e2e-dummy.service").output().equals("active"));

        // A target added to the config is not restartable before the service reads it: doctor says to reload.
        debian.sh("printf 'medic.targets {\\n" + dummyTarget + otherTarget + "}\\n' > " + units).orFail();
        String doctor = debian.run("medic", "doctor").output();
        assertTrue(doctor.contains("FAIL  target other: medic may not restart medic-e2e-other.service: " + list
                + " does not list it; systemctl reload medic (it writes the list from the config, as root)"), doctor);
        debian.run("systemctl", "reload", "medic").orFail();
        assertEquals(List.of("medic-e2e-dummy.service", "medic-e2e-other.service"), listedUnits(list));
        assertTrue(mayRestart("medic-e2e-other"), "a target's unit is restartable after the reload");

        // A config file the group medic could write would let the service choose what it may restart: the
        // reload still applies the config, but the list is written empty and the journal says why.
        debian.run("chmod", "0660", units).orFail();
        debian.run("systemctl", "reload", "medic").orFail();
        assertEquals(List.of(), listedUnits(list));
        assertFalse(mayRestart("medic-e2e-dummy"), "nothing is restartable from a config others could change");
        assertTrue(journalLine("polkit: " + list + " lists no unit: the config could be changed by others than root",
                units + " (owner uid 0, mode 0660)").isPresent(), journal("debug"));
        // The service's heal is refused then, and says so.
        debian.run("systemctl", "kill", "--signal=KILL", "medic-e2e-dummy.service").orFail();
        await("dummy's heal refused").atMost(Duration.ofSeconds(30)).until(() -> journalLine(
                "event=heal_finished target=dummy ", "action=restart-unit", "outcome=failed").isPresent());
        assertTrue(journalLine("event=heal_finished target=dummy ", "outcome=failed").get()
                .contains("medic may not restart this unit"));
        assertNotEquals("active", debian.run("systemctl", "is-active", "medic-e2e-dummy.service").output());

        // A target removed from the config is not restartable after the reload.
        debian.sh("chmod 0640 " + units + " && printf 'medic.targets {\\n" + otherTarget + "}\\n' > " + units
                + " && systemctl reload medic").orFail();
        assertEquals(List.of("medic-e2e-other.service"), listedUnits(list));
        assertFalse(mayRestart("medic-e2e-dummy"), "a unit no target names any more");
        // An edit by hand lasts until the next start, which writes the list from the config again.
        debian.sh("echo medic-e2e-dummy.service >> " + list).orFail();
        debian.run("systemctl", "restart", "medic").orFail();
        assertEquals(List.of("medic-e2e-other.service"), listedUnits(list));

        debian.sh("rm -f " + units + " && systemctl reload medic "
                + "&& systemctl stop medic-e2e-dummy.service medic-e2e-other.service; systemctl reset-failed; "
                + "rm -f /etc/systemd/system/medic-e2e-dummy.service /etc/systemd/system/medic-e2e-other.service "
                + "&& systemctl daemon-reload").orFail();
        assertEquals(List.of(), listedUnits(list));
        // The rule's link and its list stay: the purge below must take them away.
    }

    /** The units the polkit list names (its comment lines left out). */
    private static List<String> listedUnits(String list) {
        return debian.run("cat", list).orFail().output().lines().filter(l -> !l.startsWith("#")).toList();
    }

    /** Whether the user medic may restart {@code unit} (it is restarted if so). */
    private static boolean mayRestart(String unit) {
        return debian.run("runuser", "-u", "medic", "--", "systemctl", "restart", unit + ".service").exitCode() == 0;
    }

    @Test
    @Order(10)
    void stopExitsCleanlyRemoveKeepsTheConfigurationAndPurgeLeavesNothingBehind() {
        await().atMost(Duration.ofSeconds(30)).until(() -> debian.run("systemctl", "status", "medic", "--no-pager")
                .output().contains("Status:"));
        debian.run("systemctl", "stop", "medic").orFail();

        assertEquals("inactive", show("ActiveState"));
        assertEquals("success", show("Result"));
        assertEquals("0", show("ExecMainStatus"));
        assertTrue(journal("info").contains("event=stopping"));

        debian.run("systemctl", "start", "medic").orFail();
        debian.run(Duration.ofMinutes(2), "apt-get", "remove", "-y", "medic").orFail();
        assertNotEquals("active", debian.run("systemctl", "is-active", "medic").output(), "remove stops it");
        assertEquals(0, debian.run("test", "-e", "/etc/medic/medic.conf").exitCode(), "remove keeps the config");
        assertEquals(0, debian.run("getent", "passwd", "medic").exitCode());

        debian.run(Duration.ofMinutes(2), "apt-get", "purge", "-y", "medic").orFail();
        assertNothingOfMedicLeft();
    }

    @Test
    @Order(11)
    void installShAndUninstallShDoTheSameWithoutDpkg() {
        debian.sh("mkdir -p /etc/medic/conf.d && cp /etc/medic-e2e.conf /etc/medic/conf.d/10-e2e.conf").orFail();

        debian.run(Duration.ofMinutes(2), "bash", BootedDebian.CHECKOUT + "/scripts/install.sh").orFail();

        await().atMost(Duration.ofSeconds(30)).until(() -> debian.run("systemctl", "is-active", "medic").output()
                .equals("active"));
        assertTrue(debian.run("systemctl", "status", "medic", "--no-pager").output().contains("1 target, 0 failing"));
        // The polkit rule as an administrator enables it: --purge takes the link and the list away with the rest.
        debian.sh("ln -s /usr/share/medic/polkit/50-medic.rules /etc/polkit-1/rules.d/ "
                + "&& echo medic-e2e-dummy.service > /etc/polkit-1/medic-restartable-units").orFail();

        debian.run(Duration.ofMinutes(2), "bash", BootedDebian.CHECKOUT + "/scripts/uninstall.sh", "--purge").orFail();
        assertNotEquals("active", debian.run("systemctl", "is-active", "medic").output());
        assertNothingOfMedicLeft();
    }

    private static void assertNothingOfMedicLeft() {
        String left = debian.sh("find / -path /src -prune -o -path /proc -prune -o -path /sys -prune -o "
                + "-path " + ALICE_HOME + " -prune -o "
                + "-name '*medic*' -print | grep -v -x -e /root/medic.deb -e /etc/medic-e2e.conf").output();
        assertEquals("", left, "files of medic left behind");
        // A purge keeps the system user and group, as Debian policy advises, and leaves them owning nothing.
        assertEquals(0, debian.run("getent", "passwd", "medic").exitCode(), "the user medic stays");
        assertEquals(0, debian.run("getent", "group", "medic").exitCode(), "the group medic stays");
        assertEquals("", debian.sh("find / -path /src -prune -o -path /proc -prune -o -path /sys -prune -o -path "
                + ALICE_HOME + " -prune -o \\( -user medic -o -group medic \\) -print").output(),
                "files still owned by medic");
        assertTrue(debian.run("dpkg", "-s", "medic").exitCode() != 0);
    }
}
