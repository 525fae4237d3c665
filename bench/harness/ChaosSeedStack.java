import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One copy of the seed stack ({@code src/test/resources/stacks/seed}: nginx, gunicorn + Flask, PostgreSQL 15,
 * Redis and a queue worker, from the Debian-built image of {@code ensure_stack_image}) under the chaos soak of
 * {@code scripts/chaos --stack}: brought up from a copy of the fixture with its own loopback ports, watched by
 * medic through the fixture's own config template, and broken the ways real software breaks (a kill of any
 * service, the app's hang switch, Redis wedged by {@code CLIENT PAUSE}). What it reports comes from Docker's
 * record (container ids and StartedAt) and from the stack's own endpoints, never from medic.
 *
 * <p>The copy itself (the fixture on disk, its .env and ports, medic's targets, /healthz, its removal) is a {@link
 * SeedStackCopy}, which the benchmark's scenario 6 brings up the same way.
 *
 * <p>Invariants: the name, directory and ports are fixed at {@link #up}; the copy's database volume is
 * {@code NAME_db-data}, removed with its containers by {@link #remove}. Thread-safe: it keeps no mutable state
 * (every answer is asked of Docker or of the stack at the call), so the soak's judging threads share it.
 */
final class ChaosSeedStack extends Chaos.Project {
    static final List<String> SERVICES = SeedStackCopy.SERVICES;
    /**
     * Who waits on whom in the fixture's medic config (app on db and cache, web on app, worker on cache), read
     * transitively: the services that are BLOCKED at most, never restarted, while the key is down.
     */
    static final Map<String, List<String>> DEPENDENTS = Map.of(
            "db", List.of("app", "web"),
            "cache", List.of("app", "web", "worker"),
            "app", List.of("web"),
            "web", List.of(),
            "worker", List.of());
    /** Longer than any soak: a wedge that only a restart of Redis ends. */
    static final long WEDGE_MS = Duration.ofHours(1).toMillis();

    final SeedStackCopy copy;

    private ChaosSeedStack(SeedStackCopy copy) {
        super(copy.project, copy.dir);
        this.copy = copy;
    }

    /**
     * Copies the fixture into {@code work/NAME}, writes its .env and runs {@code docker-compose up -d}; does not
     * wait for it to be healthy (the soak waits for all copies at once).
     */
    static ChaosSeedStack up(String name, Path work, String image) throws IOException {
        Path dir = work.resolve(name);
        ChaosSeedStack s = new ChaosSeedStack(SeedStackCopy.prepare(name, dir, image));
        Harness.log("seed stack " + name + ": web :" + s.copy.webPort + ", app :" + s.copy.appPort + ", db :"
                + s.copy.dbPort + ", cache :" + s.copy.cachePort + " (" + dir + ")");
        s.compose("up", "-d");
        return s;
    }

    /**
     * Removes a copy (see {@link SeedStackCopy#remove}), so that a soak killed half-way leaves nothing the next one
     * trips on; with the soak's own timeouts (cleanup runs it at the start and in the shutdown hook).
     */
    static void remove(String name, Path dir) {
        SeedStackCopy.remove(name, dir, Duration.ofMinutes(2), Duration.ofMinutes(1), Duration.ofSeconds(30));
    }

    @Override
    List<String> services() {
        return SERVICES;
    }

    @Override
    String hangService() {
        return "app";
    }

    @Override
    String healthUrl() {
        return copy.appHealthUrl();
    }

    /** The copy's targets for medic: the fixture's own template, filled in. */
    @Override
    String targetsConfig() throws IOException {
        return copy.medicTargets();
    }

    /** A service's container as Docker records it. */
    record Container(String service, String id, boolean running, String startedAt) {
    }

    /**
     * Every container of the project by service (a running one preferred where a service has two), from one
     * {@code docker ps} and one {@code docker inspect}; empty when Docker does not answer.
     */
    Map<String, Container> containers() {
        Harness.Result ps = Chaos.sh(List.of("docker", "ps", "-aq", "--filter",
                "label=com.docker.compose.project=" + name), Duration.ofSeconds(30));
        Map<String, Container> byService = new LinkedHashMap<>();
        if (ps.exit() != 0 || ps.out().isBlank()) {
            return byService;
        }
        List<String> cmd = new ArrayList<>(List.of("docker", "inspect", "-f",
                "{{index .Config.Labels \"com.docker.compose.service\"}} {{.Id}} {{.State.Running}} {{.State.StartedAt}}"));
        cmd.addAll(List.of(ps.out().strip().split("\\s+")));
        // A container removed between the two commands makes inspect fail for it alone: the others' lines stand.
        for (String line : Chaos.sh(cmd, Duration.ofSeconds(30)).out().split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length != 4 || !SERVICES.contains(f[0]) || !(f[2].equals("true") || f[2].equals("false"))) {
                continue;
            }
            Container c = new Container(f[0], f[1], f[2].equals("true"), f[3]);
            Container seen = byService.get(c.service());
            if (seen == null || !seen.running() && c.running()) {
                byService.put(c.service(), c);
            }
        }
        return byService;
    }

    /** A docker ps with labels instead of compose's ps: a Python start per call is too slow to poll. */
    @Override
    String containerId(String service) {
        Container c = containers().get(service);
        return c == null ? "" : c.id();
    }

    /**
     * Each service's container id and StartedAt ("id@time"), as Docker records them: what changes when, and
     * only when, a container is started again. Asked up to three times while a service is missing from the
     * answer (a Docker call that timed out must not look like a restart).
     */
    Map<String, String> started() throws InterruptedException {
        Map<String, String> started = new LinkedHashMap<>();
        for (int attempt = 0; attempt < 3; attempt++) {
            started.clear();
            containers().forEach((s, c) -> started.put(s, c.id() + "@" + c.startedAt()));
            if (started.size() == SERVICES.size()) {
                break;
            }
            Thread.sleep(1000);
        }
        return started;
    }

    /** Why the copy is not healthy ("" when it is): every service runs, and app and web answer /healthz 200. */
    @Override
    String whatIsWrong() {
        Map<String, Container> cs = containers();
        List<String> wrong = new ArrayList<>();
        for (String s : SERVICES) {
            Container c = cs.get(s);
            if (c == null) {
                wrong.add(s + " has no container");
            } else if (!c.running()) {
                wrong.add(s + " not running");
            }
        }
        if (!wrong.isEmpty()) {
            return String.join(", ", wrong);
        }
        int app = copy.appHealth(Chaos.HTTP);
        if (app != 200) {
            return "app /healthz " + (app == 0 ? "no answer in " + SeedStackCopy.APP_HEALTH_TIMEOUT.toSeconds() + " s"
                    : app);
        }
        int web = copy.webHealth(Chaos.HTTP);
        return web == 200 ? "" : "web /healthz " + (web == 0 ? "no answer in "
                + SeedStackCopy.WEB_HEALTH_TIMEOUT.toSeconds() + " s" : web);
    }

    @Override
    boolean healthy() {
        return whatIsWrong().isEmpty();
    }

    /**
     * Sets the app's hang switch: written inside the container, as the app's own user, so that the app can
     * remove it when it starts again (state/ is sticky: a file of root's would outlive the restart and wedge
     * the new process too).
     */
    @Override
    void hang() {
        Chaos.sh(List.of("docker", "exec", container("app"), "touch", "/state/hang"), Duration.ofSeconds(30)).orFail();
    }

    /** The operator's side: the switch goes from the host (a restarted app has removed it already). */
    @Override
    void clearSwitches() throws IOException {
        Files.deleteIfExists(dir.resolve("state/hang"));
    }

    /**
     * Wedges Redis: {@code CLIENT PAUSE} for an hour holds every client's command (PING included) while the
     * process runs and its port accepts connections, as a server stuck in a long command does. Only a restart of
     * the cache ends it.
     */
    void wedgeCache() {
        Harness.Result r = Chaos.sh(List.of("docker", "exec", container("cache"), "redis-cli", "-h", "127.0.0.1",
                "-p", Integer.toString(copy.cachePort), "CLIENT", "PAUSE", Long.toString(WEDGE_MS)), Duration.ofSeconds(30));
        if (r.exit() != 0 || !r.out().strip().equals("OK")) {
            throw new IllegalStateException("CLIENT PAUSE of the cache answered (" + r.exit() + "): " + r.out().strip());
        }
    }

    /** Whether Redis answers PING with PONG within {@code within} (a connection refused is a no). */
    boolean cacheAnswers(Duration within) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", copy.cachePort), (int) within.toMillis());
            s.setSoTimeout((int) within.toMillis());
            OutputStream out = s.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes {@code value} as a row of PostgreSQL through the app's /rows; true when it reads back. */
    boolean addRow(String value) {
        return rowsContain(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + copy.appPort + "/rows"))
                .POST(HttpRequest.BodyPublishers.ofString(value))), value);
    }

    /** Whether the table the app keeps in PostgreSQL holds {@code value}. */
    boolean hasRow(String value) {
        return rowsContain(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + copy.appPort + "/rows")).GET()),
                value);
    }

    /** The app answers {"rows": [...]}; the soak's values are plain words, so a quoted match is exact. */
    private static boolean rowsContain(String body, String value) {
        return body != null && body.contains("\"" + value + "\"");
    }

    private static String send(HttpRequest.Builder request) {
        return Harness.httpBody(Chaos.HTTP, request.timeout(Duration.ofSeconds(10)).build());
    }
}
