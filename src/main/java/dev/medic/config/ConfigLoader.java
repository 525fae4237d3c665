package dev.medic.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.medic.config.MedicConfig.ApiSettings;
import dev.medic.config.MedicConfig.ComposeSettings;
import dev.medic.config.MedicConfig.DiscoverySettings;
import dev.medic.config.MedicConfig.DockerSettings;
import dev.medic.config.MedicConfig.EvidenceSettings;
import dev.medic.config.MedicConfig.ListenAddress;
import dev.medic.core.ActionBudget;
import dev.medic.core.HealingActionKind;
import dev.medic.core.HealthPolicy;
import dev.medic.core.LadderStep;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads medic's configuration: the embedded {@code reference.conf}, then the operator's files in
 * order (later files win), strictly checked. Every problem found (syntax, unknown keys, wrong types,
 * impossible values) is collected with its file and line and reported together in a
 * {@link ConfigRejectedException}. The only class that hands Typesafe Config objects around; what
 * leaves it is a {@link MedicConfig}. Stateless and thread-safe.
 */
public final class ConfigLoader {

    /** The default config file and drop-in directory of an installed medic. */
    public static final Path DEFAULT_FILE = Path.of("/etc/medic/medic.conf");
    public static final Path DEFAULT_DROP_IN_DIR = Path.of("/etc/medic/conf.d");

    /** How often a failure that lasts is reminded of in the journal (a still_failing line); global and per target. */
    static final String STILL_FAILING_EVERY = "still-failing-every";
    private static final Set<String> POLICY_KEYS = Set.of("interval", "retry-interval", "timeout",
            "failure-threshold", "success-threshold", "start-period", "escalation", "give-up-cooldown",
            "max-actions", "backoff", RestartLoopReader.KEY, STILL_FAILING_EVERY);
    private static final Set<String> GLOBAL_KEYS = union(POLICY_KEYS,
            Set.of("docker", "compose", "discovery", "api", "targets", "host-budget", "dry-run", "state-file",
                    "notify", "heartbeat-url", "heartbeat-every", "evidence"));
    private static final Set<String> TARGET_KEYS = union(POLICY_KEYS,
            Set.of("container", "service", "http", "tcp", "redis", "postgres", "exec", "tls-expiry", "host",
                    "file-age", "systemd-unit", "docker-health", "project",
                    "depends-on"));
    private static final Set<String> HTTP_KEYS = Set.of("url", "expect-status", "expect-body", "timeout", "headers",
            "tls-verify", "method", "body", "follow-redirects", "expect-json");
    private static final Set<String> HTTP_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
            "OPTIONS");
    /** Checks more often than once a second cost CPU and prove nothing more; a label can ask for them too. */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    static final Duration MAX_INTERVAL = Duration.ofDays(1);
    /** No probe or Docker call may take longer: a check that cannot end in 10 minutes is a hung check. */
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    /** Keys of DESIGN.md's contract that later versions bring; named so the operator is told, not misled. */
    private static final Set<String> GLOBAL_NOT_YET = Set.of();
    private static final Set<String> TARGET_NOT_YET = Set.of();
    private static final Set<String> HTTP_NOT_YET = Set.of();

    private ConfigLoader() {
    }

    /** The files an installed medic reads when no {@code --config} is given: medic.conf, then conf.d in name order. */
    public static List<Path> defaultFiles(Path mainFile, Path dropInDir) {
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(mainFile)) {
            files.add(mainFile);
        }
        if (Files.isDirectory(dropInDir)) {
            try (Stream<Path> entries = Files.list(dropInDir)) {
                entries.filter(p -> p.getFileName().toString().endsWith(".conf"))
                        .filter(Files::isRegularFile)
                        .sorted()
                        .forEach(files::add);
            } catch (IOException e) {
                // An unreadable drop-in directory is reported by load() as the file it could not read.
                files.add(dropInDir);
            }
        }
        return files;
    }

    /** The config of {@code --config FILE} if given, else of the installed default files. */
    public static MedicConfig load(Optional<Path> explicitFile) throws ConfigRejectedException {
        return load(explicitFile.map(List::of).orElseGet(() -> defaultFiles(DEFAULT_FILE, DEFAULT_DROP_IN_DIR)));
    }

    /** Loads the embedded defaults overlaid by {@code files} in order. */
    public static MedicConfig load(List<Path> files) throws ConfigRejectedException {
        List<ConfigProblem> problems = new ArrayList<>();
        Config merged = ConfigFactory.empty();
        for (Path file : files) {
            Config parsed = parse(file, problems);
            merged = parsed.withFallback(merged);
        }
        if (!problems.isEmpty()) {
            throw new ConfigRejectedException(problems);
        }
        Config reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf");
        Config full;
        try {
            full = merged.withFallback(reference).resolve(ConfigResolveOptions.defaults());
        } catch (ConfigException e) {
            problems.add(fromException(e, ""));
            throw new ConfigRejectedException(problems);
        } catch (RuntimeException | StackOverflowError e) {
            problems.add(new ConfigProblem(String.join(", ", files.stream().map(Path::toString).toList()), 0, "",
                    "cannot be resolved (" + (e instanceof StackOverflowError ? "substitutions nested too deeply"
                            : e.getClass().getSimpleName()) + ")"));
            throw new ConfigRejectedException(problems);
        }
        MedicConfig config;
        try {
            config = map(full, files.stream().map(Path::toString).toList(), problems);
        } catch (RuntimeException | StackOverflowError e) {
            // A value that slipped past every check must still end as a located problem, never a trace.
            problems.add(new ConfigProblem(String.join(", ", files.stream().map(Path::toString).toList()), 0, "",
                    "cannot be read (" + e.getClass().getSimpleName() + ")"));
            throw new ConfigRejectedException(problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigRejectedException(problems);
        }
        return config;
    }

    /**
     * The local API address, read as leniently as possible, for commands that talk to a running daemon
     * while a file is broken (the daemon kept the configuration it had): files that do not parse are
     * skipped, and a bad value gives the default. Empty when the files disable the API.
     */
    public static Optional<ListenAddress> apiListenLeniently(Optional<Path> explicitFile) {
        return apiListenLeniently(explicitFile.map(List::of)
                .orElseGet(() -> defaultFiles(DEFAULT_FILE, DEFAULT_DROP_IN_DIR)));
    }

    /** As {@link #apiListenLeniently(Optional)}, from {@code files} in order. */
    public static Optional<ListenAddress> apiListenLeniently(List<Path> files) {
        Config reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf");
        Config merged = ConfigFactory.empty();
        for (Path file : files) {
            List<ConfigProblem> ignored = new ArrayList<>();
            Config parsed = parse(file, ignored);
            if (ignored.isEmpty()) {
                merged = parsed.withFallback(merged);
            }
        }
        for (Config candidate : List.of(merged.withFallback(reference), reference)) {
            try {
                List<ConfigProblem> problems = new ArrayList<>();
                ObjectReader medic = section(new ObjectReader(candidate.resolve().root(), "", problems), "medic");
                Optional<ListenAddress> api = readApi(medic).listen();
                if (problems.stream().noneMatch(p -> p.keyPath().startsWith("medic.api"))) {
                    return api;
                }
            } catch (RuntimeException | StackOverflowError e) {
                // unresolvable or pathological substitutions: fall back to the embedded default
            }
        }
        return Optional.of(new ListenAddress("127.0.0.1", 9631));
    }

    private static Config parse(Path file, List<ConfigProblem> problems) {
        if (!Files.exists(file)) {
            problems.add(new ConfigProblem(file.toString(), 0, "", "no such file"));
            return ConfigFactory.empty();
        }
        if (!Files.isRegularFile(file)) {
            problems.add(new ConfigProblem(file.toString(), 0, "", "not a regular file"));
            return ConfigFactory.empty();
        }
        if (!Files.isReadable(file)) {
            problems.add(new ConfigProblem(file.toString(), 0, "", "not readable"));
            return ConfigFactory.empty();
        }
        Optional<ConfigProblem> shape = ConfigShape.check(file);
        if (shape.isPresent()) {
            problems.add(shape.get());
            return ConfigFactory.empty();
        }
        try {
            return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
                    .setAllowMissing(false).setIncluder(new BoundedIncluder(file, problems)));
        } catch (ConfigException e) {
            problems.add(fromException(e, "syntax"));
            return ConfigFactory.empty();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // The parser's own limits (an include nested too deep, a pathological value): one problem, no trace.
            problems.add(new ConfigProblem(file.toString(), 0, "", "cannot be parsed ("
                    + (e instanceof StackOverflowError ? "nested too deeply" : e.getClass().getSimpleName()) + ")"));
            return ConfigFactory.empty();
        }
    }

    private static ConfigProblem fromException(ConfigException e, String what) {
        String message = e.getMessage();
        if (e.origin() != null) {
            String prefix = e.origin().description() + ": ";
            if (message.startsWith(prefix)) {
                message = message.substring(prefix.length());
            }
            return ObjectReader.at(e.origin(), "", what.isEmpty() ? message : what + ": " + message);
        }
        return new ConfigProblem("config", 0, "", message);
    }

    private static MedicConfig map(Config full, List<String> sources, List<ConfigProblem> problems) {
        ObjectReader root = new ObjectReader(full.root(), "", problems);
        root.rejectUnknown(Set.of("medic"));
        ObjectReader medic = section(root, "medic");
        medic.rejectUnknown(GLOBAL_KEYS, GLOBAL_NOT_YET);

        POLICY_KEYS.stream().sorted().forEach(key -> rejectNull(medic, key));
        Knobs global = Knobs.read(medic, Knobs.EMPTY);
        HealthPolicy globalPolicy = global.policy(medic, true);
        checkTimeoutBelowInterval(medic, global, medic);

        DockerSettings docker = readDocker(medic);
        ComposeSettings compose = readCompose(medic);
        DiscoverySettings discovery = readDiscovery(medic);
        ApiSettings api = readApi(medic);
        EvidenceSettings evidence = readEvidence(medic);
        ActionBudget hostBudget = readBudget(medic, "host-budget", null)
                .orElse(new ActionBudget(10, Duration.ofMinutes(10)));
        boolean dryRun = medic.bool("dry-run").orElse(false);
        Optional<Path> stateFile = medic.string("state-file").filter(f -> !f.isBlank()).map(Path::of);
        stateFile.flatMap(StateFileLocation::problem).ifPresent(problem -> medic.problem("state-file", problem));

        List<TargetSpec> targets = new ArrayList<>();
        Map<String, List<String>> dependencies = new LinkedHashMap<>();
        Map<String, ObjectReader> readers = new LinkedHashMap<>();
        medic.object("targets").ifPresent(targetsObject -> {
            for (String name : targetsObject.keys()) {
                if (!TargetNames.isValid(name)) {
                    targetsObject.problem(name, TargetNames.PROBLEM);
                }
                targetsObject.object(name).ifPresent(t -> {
                    readers.put(name, t);
                    readTarget(name, t, global, medic).ifPresent(targets::add);
                    List<String> deps = t.stringList("depends-on", true).orElse(List.of());
                    if (!deps.isEmpty()) {
                        dependencies.put(name, deps);
                    }
                });
            }
        });
        checkDependencies(dependencies, readers);
        RestartLoopSettings restartLoops = RestartLoopReader.read(medic, readers);
        NotifyConfigReader notifyReader = new NotifyConfigReader(System::getenv);
        NotifySettings notify = notifyReader.read(section(medic, "notify"), readers.keySet());
        bounded(medic, MIN_INTERVAL, MAX_INTERVAL, "heartbeat-every");
        Duration heartbeatEvery = medic.duration("heartbeat-every", false).orElse(Duration.ofMinutes(1));
        Optional<MedicConfig.Heartbeat> heartbeat = notifyReader.heartbeatUrl(medic)
                .map(url -> new MedicConfig.Heartbeat(url, heartbeatEvery));
        return new MedicConfig(globalPolicy, global.timeout, docker, compose, discovery, api, targets, sources,
                hostBudget, dryRun, stateFile, dependencies, notify, heartbeat, evidence, restartLoops);
    }

    /** A global setting set to null would leave medic without a value that has no other default. */
    private static void rejectNull(ObjectReader r, String key) {
        ConfigValue v = r.raw(key);
        if (v != null && v.valueType() == ConfigValueType.NULL) {
            r.problem(key, "must not be null");
        }
    }

    /**
     * The object at {@code key}; when it is not an object (a problem already recorded) an empty one, so
     * that the defaults apply and the rest of the file is still checked.
     */
    private static ObjectReader section(ObjectReader parent, String key) {
        rejectNull(parent, key);
        return parent.object(key).orElseGet(() -> parent.child(ConfigFactory.empty().root(), parent.pathOf(key)));
    }

    private static Optional<TargetSpec> readTarget(String name, ObjectReader t, Knobs global, ObjectReader medic) {
        t.rejectUnknown(TARGET_KEYS, TARGET_NOT_YET);
        Knobs knobs = Knobs.read(t, global);
        boolean hasContainer = t.has("container");
        boolean hasService = t.has("service");
        List<ProbeSpec> probes = new ArrayList<>();
        int problemsBefore = t.problemCount();
        t.object("http").flatMap(h -> readHttp(h, knobs.timeout, knobs.interval)).ifPresent(probes::add);
        if (t.has("tcp")) {
            t.string("tcp").flatMap(a -> address(t, "tcp", a)).ifPresent(a -> probes.add(new TcpProbeSpec(a,
                    knobs.timeout)));
        }
        t.object("redis").flatMap(r -> readRedis(r, knobs.timeout, knobs.interval)).ifPresent(probes::add);
        t.object("postgres").flatMap(p -> readPostgres(p, knobs.timeout, knobs.interval)).ifPresent(probes::add);
        t.object("tls-expiry").ifPresent(x -> {
            x.rejectUnknown(Set.of("address", "warn-days", "server-name", "timeout"));
            int before = x.problemCount();
            Optional<HostPort> address = x.string("address").flatMap(a -> address(x, "address", a));
            if (!x.has("address")) {
                x.problemHere("missing address, e.g. address = \"shop.example.com:443\"");
            }
            int warnDays = x.integer("warn-days", 0).orElse(14);
            Optional<String> serverName = x.string("server-name").filter(n -> !n.isBlank());
            Duration timeout = probeTimeout(x, knobs.timeout, knobs.interval);
            if (t.has("container") || t.has("service")) {
                x.problemHere("alerts only, so it belongs on a target without container or service "
                        + "(a restart does not renew a certificate)");
            }
            if (x.problemCount() == before) {
                probes.add(new TlsExpiryProbeSpec(address.orElseThrow(), warnDays, serverName, timeout));
            }
        });
        t.object("host").ifPresent(h -> {
            h.rejectUnknown(Set.of("disk", "memory", "swap"));
            int before = h.problemCount();
            Optional<HostProbeSpec.Disk> disk = h.object("disk").flatMap(d -> {
                d.rejectUnknown(Set.of("path", "max-used"));
                Path path = Path.of(d.string("path").orElse("/"));
                return percent(d, "max-used").map(max -> new HostProbeSpec.Disk(path, max));
            });
            Optional<Integer> memory = h.object("memory").flatMap(m -> {
                m.rejectUnknown(Set.of("min-available"));
                return percent(m, "min-available");
            });
            Optional<Integer> swap = h.object("swap").flatMap(w -> {
                w.rejectUnknown(Set.of("max-used"));
                return percent(w, "max-used");
            });
            if (t.has("container") || t.has("service")) {
                h.problemHere("alerts only, so it belongs on a target without container or service");
            }
            if (h.problemCount() == before && disk.isEmpty() && memory.isEmpty() && swap.isEmpty()) {
                h.problemHere("set at least one of disk { max-used }, memory { min-available }, swap { max-used }");
            }
            if (h.problemCount() == before) {
                probes.add(new HostProbeSpec(disk, memory, swap));
            }
        });
        t.object("file-age").ifPresent(f -> {
            f.rejectUnknown(Set.of("path", "max-age", "timeout"));
            int before = f.problemCount();
            Optional<String> path = f.string("path");
            if (!f.has("path")) {
                f.problemHere("missing path, e.g. path = \"/root/backups/*.sql.gz\"");
            }
            path.flatMap(FileAgeProbeSpec::problem).ifPresent(problem -> f.problem("path", problem));
            Optional<Duration> maxAge = f.duration("max-age", false);
            if (!f.has("max-age")) {
                f.problemHere("missing max-age, e.g. max-age = 26h");
            }
            maxAge.filter(a -> a.compareTo(FileAgeProbeSpec.MIN_MAX_AGE) < 0).ifPresent(a -> f.problem("max-age",
                    "must be at least 1s, got " + ObjectReader.describe(f.raw("max-age"))));
            Duration timeout = probeTimeout(f, knobs.timeout, knobs.interval);
            // Like tls-expiry it alerts, unless the operator gave this target a ladder of its own: only they know
            // whether a restart is the cure (a wedged Celery beat) or does nothing for the file (a backup).
            if ((hasContainer || hasService || t.has("systemd-unit")) && !t.has("escalation")) {
                f.problemHere("alerts only, unless the target has an escalation of its own (a restart does not"
                        + " write a backup): set escalation on this target, or move file-age to a target without"
                        + " container, service or systemd-unit");
            }
            if (f.problemCount() == before) {
                probes.add(new FileAgeProbeSpec(path.orElseThrow(), maxAge.orElseThrow(), timeout));
            }
        });
        if (t.has("exec")) {
            if (t.raw("exec").valueType() != ConfigValueType.LIST) {
                t.problem("exec", "give the command as a list, e.g. [\"redis-cli\", \"ping\"], not one string");
            } else {
                t.stringList("exec", false).ifPresent(cmd -> {
                    if (cmd.isEmpty()) {
                        t.problem("exec", "the command is empty");
                    } else if (!t.has("container") && !t.has("service")) {
                        t.problem("exec", "runs inside the target's container: set container or service");
                    } else {
                        probes.add(new ExecProbeSpec(cmd, knobs.timeout));
                    }
                });
            }
        }
        boolean badProbe = t.problemCount() != problemsBefore;

        DockerHealthMode dockerHealth = t.string("docker-health").map(v -> {
            try {
                return DockerHealthMode.valueOf(v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                t.problem("docker-health", "expected auto, on or off, got \"" + v + "\"");
                return DockerHealthMode.AUTO;
            }
        }).orElse(DockerHealthMode.AUTO);
        Optional<ProjectOverride> project = t.object("project").flatMap(ConfigLoader::readProject);
        checkTimeoutBelowInterval(t, knobs, medic);

        if (badProbe) {
            // Its problems are recorded; the rest of the target was still checked so that all are reported at once.
            return Optional.empty();
        }
        if (hasContainer && hasService) {
            t.problemHere("set only one of container and service");
            return Optional.empty();
        }
        if (!hasContainer && !hasService && !t.has("systemd-unit") && probes.isEmpty()) {
            t.problemHere("a target needs a container, a service, a systemd-unit or a probe "
                    + "(http, tcp, redis, postgres, tls-expiry, host)");
            return Optional.empty();
        }
        if (t.has("systemd-unit")) {
            return readUnitTarget(name, t, knobs, probes, hasContainer || hasService);
        }
        if (!hasContainer && !hasService) {
            if (t.has("docker-health")) {
                t.problem("docker-health", "only applies to a target with a container or service");
            }
            if (t.has("project")) {
                t.problem("project", "only applies to a target with a container or service");
            }
            HealthPolicy policy = knobs.policy(t, false);
            if (t.has("escalation") && knobs.ladder != null) {
                if (knobs.ladder.stream().allMatch(step -> step.action() == HealingActionKind.EXEC_HOST)) {
                    // Its own exec-host steps make an alert-only target healable (a host command frees the disk).
                    policy = knobs.policy(t, true);
                } else {
                    t.problem("escalation", "a target without container, service or systemd-unit can only run"
                            + " exec-host steps");
                }
            }
            return Optional.of(new WatchOnlyTarget(name, policy, knobs.timeout, probes));
        }
        HealthPolicy policy = knobs.policy(t, true);
        if (policy.ladder().stream().anyMatch(step -> step.action() == HealingActionKind.RESTART_UNIT)) {
            problemAtLadder(t, "restart-unit heals a systemd-unit target; a container heals with restart-container, "
                    + "restart-project or recreate-service");
        }
        if (hasContainer) {
            Optional<String> container = t.string("container").filter(c -> !c.isBlank());
            if (container.isEmpty()) {
                t.problem("container", "must name a container (name or id)");
                return Optional.empty();
            }
            return Optional.of(new ContainerTarget(name, container.get(), policy, knobs.timeout, probes,
                    dockerHealth, project, false));
        }
        Optional<ObjectReader> service = t.object("service");
        if (service.isEmpty()) {
            return Optional.empty();
        }
        ObjectReader s = service.get();
        s.rejectUnknown(Set.of("project", "name"));
        Optional<String> composeProject = s.string("project").filter(v -> !v.isBlank());
        Optional<String> serviceName = s.string("name").filter(v -> !v.isBlank());
        if (composeProject.isEmpty()) {
            s.problem("project", "missing: the compose project name");
        }
        if (serviceName.isEmpty()) {
            s.problem("name", "missing: the compose service name");
        }
        if (composeProject.isEmpty() || serviceName.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ServiceTarget(name, composeProject.get(), serviceName.get(), policy, knobs.timeout,
                probes, dockerHealth, project));
    }

    /** A host service under systemd: its ActiveState is checked, restart-unit heals it. */
    private static Optional<TargetSpec> readUnitTarget(String name, ObjectReader t, Knobs knobs,
                                                       List<ProbeSpec> probes, boolean hasContainer) {
        Optional<String> unit = t.string("systemd-unit").filter(u -> !u.isBlank());
        if (unit.isEmpty()) {
            t.problem("systemd-unit", "must name a unit, e.g. \"nginx.service\"");
            return Optional.empty();
        }
        if (hasContainer) {
            t.problemHere("set only one of container, service and systemd-unit");
            return Optional.empty();
        }
        for (String key : List.of("docker-health", "project")) {
            if (t.has(key)) {
                t.problem(key, "only applies to a target with a container or service");
            }
        }
        HealthPolicy policy = knobs.policy(t, true);
        if (policy.ladder().equals(HealthPolicy.defaultLadder())) {
            // The default ladder is for containers; a unit is restarted by systemd.
            policy = new HealthPolicy(policy.interval(), policy.retryInterval(), policy.failureThreshold(),
                    policy.successThreshold(), policy.startPeriod(), List.of(new LadderStep(
                    HealingActionKind.RESTART_UNIT, 3)), policy.giveUpCooldown(), true, policy.maxActions(),
                    policy.backoffInitial(), policy.backoffMax(), policy.stillFailingEvery());
        } else if (policy.ladder().stream().anyMatch(s -> s.action() != HealingActionKind.RESTART_UNIT
                && s.action() != HealingActionKind.EXEC_HOST)) {
            problemAtLadder(t, "a systemd-unit target has no container or compose project to restart; its ladder may"
                    + " only use restart-unit and exec-host");
            return Optional.empty();
        }
        return Optional.of(new SystemdUnitTarget(name, unit.get(), policy, knobs.timeout, probes));
    }

    /** A problem with the ladder, located at the target's escalation or, when inherited, at the target. */
    private static void problemAtLadder(ObjectReader t, String message) {
        if (t.has("escalation")) {
            t.problem("escalation", message);
        } else {
            t.problemHere(message + " (the ladder comes from the global escalation)");
        }
    }

    /** A percentage such as {@code 90%} (or 90) at {@code key}, 0-100; a located problem otherwise. */
    private static Optional<Integer> percent(ObjectReader r, String key) {
        Optional<String> raw = r.string(key);
        if (raw.isEmpty()) {
            r.problemHere("missing " + key + ", e.g. " + key + " = 90%");
            return Optional.empty();
        }
        String v = raw.get().strip();
        try {
            int n = Integer.parseInt(v.endsWith("%") ? v.substring(0, v.length() - 1).strip() : v);
            if (n >= 0 && n <= 100) {
                return Optional.of(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        r.problem(key, "expected a percentage 0-100% such as 90%, got \"" + v + "\"");
        return Optional.empty();
    }

    /** {@code HOST:PORT} at {@code key}, or a located problem. */
    private static Optional<HostPort> address(ObjectReader r, String key, String text) {
        Optional<HostPort> a = HostPort.parse(text);
        if (a.isEmpty()) {
            r.problem(key, "expected HOST:PORT such as \"127.0.0.1:6379\", got \"" + text + "\"");
        }
        return a;
    }

    /** The probe's own timeout if it sets one (shorter than the interval), else the target's. */
    private static Duration probeTimeout(ObjectReader r, Duration targetTimeout, Duration interval) {
        Duration timeout = r.duration("timeout", false).orElse(targetTimeout);
        if (r.has("timeout")) {
            timeoutNotBelowInterval(timeout, interval).or(() -> atMost(timeout, MAX_TIMEOUT))
                    .ifPresent(message -> r.problem("timeout", message));
        }
        return timeout;
    }

    private static Optional<ProbeSpec> readRedis(ObjectReader r, Duration targetTimeout, Duration interval) {
        r.rejectUnknown(Set.of("address", "password-file", "timeout"));
        int before = r.problemCount();
        Optional<HostPort> address = r.string("address").flatMap(a -> address(r, "address", a));
        if (!r.has("address")) {
            r.problemHere("missing address, e.g. address = \"127.0.0.1:6379\"");
        }
        Optional<Path> passwordFile = r.string("password-file").filter(f -> !f.isBlank()).map(Path::of);
        Duration timeout = probeTimeout(r, targetTimeout, interval);
        return r.problemCount() == before ? Optional.of(new RedisProbeSpec(address.orElseThrow(), passwordFile,
                timeout)) : Optional.empty();
    }

    private static Optional<ProbeSpec> readPostgres(ObjectReader p, Duration targetTimeout, Duration interval) {
        p.rejectUnknown(Set.of("address", "user", "database", "timeout"));
        int before = p.problemCount();
        Optional<HostPort> address = p.string("address").flatMap(a -> address(p, "address", a));
        if (!p.has("address")) {
            p.problemHere("missing address, e.g. address = \"127.0.0.1:5432\"");
        }
        String user = p.string("user").filter(u -> !u.isBlank()).orElse("postgres");
        String database = p.string("database").filter(d -> !d.isBlank()).orElse(user);
        Duration timeout = probeTimeout(p, targetTimeout, interval);
        return p.problemCount() == before ? Optional.of(new PostgresProbeSpec(address.orElseThrow(), user, database,
                timeout)) : Optional.empty();
    }

    private static Optional<ProbeSpec> readHttp(ObjectReader h, Duration targetTimeout, Duration interval) {
        h.rejectUnknown(HTTP_KEYS, HTTP_NOT_YET);
        int before = h.problemCount();
        Optional<String> url = h.string("url");
        if (url.isEmpty()) {
            h.problemHere("missing url");
        } else if (!isHttpUrl(url.get())) {
            h.problem("url", "not an http:// or https:// URL: \"" + url.get() + "\"");
        }
        List<Integer> statuses = new ArrayList<>();
        if (h.has("expect-status")) {
            ConfigValue raw = h.raw("expect-status");
            List<ConfigValue> items = raw.valueType() == ConfigValueType.LIST ? new ArrayList<>((ConfigList) raw)
                    : List.of(raw);
            for (ConfigValue item : items) {
                Object v = item.unwrapped();
                if (v instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() >= 100
                        && n.intValue() <= 599) {
                    statuses.add(n.intValue());
                } else {
                    h.problem("expect-status", "expected HTTP status codes 100-599, got " + ObjectReader.describe(item));
                }
            }
            if (items.isEmpty()) {
                h.problem("expect-status", "must list at least one status");
            }
        } else {
            statuses.add(200);
        }
        Optional<String> body = h.string("expect-body");
        Duration timeout = probeTimeout(h, targetTimeout, interval);
        Map<String, String> headers = new LinkedHashMap<>();
        h.object("headers").ifPresent(hs -> {
            for (String key : hs.keys()) {
                hs.string(key).ifPresent(v -> headers.put(key, v));
            }
        });
        boolean tlsVerify = h.bool("tls-verify").orElse(true);
        String method = h.string("method").map(m -> m.toUpperCase(Locale.ROOT)).orElse("GET");
        if (!HTTP_METHODS.contains(method)) {
            h.problem("method", "expected one of " + String.join(", ", new java.util.TreeSet<>(HTTP_METHODS))
                    + ", got \"" + method + "\"");
        }
        Optional<String> requestBody = h.string("body");
        if (requestBody.isPresent() && (method.equals("GET") || method.equals("HEAD"))) {
            h.problem("body", "a " + method + " request has no body; set method = POST (or PUT, PATCH)");
        }
        boolean followRedirects = h.bool("follow-redirects").orElse(false);
        Optional<HttpProbeSpec.JsonExpectation> expectJson = h.object("expect-json").flatMap(j -> {
            j.rejectUnknown(Set.of("path", "equals"));
            Optional<String> path = j.string("path").filter(v -> !v.isBlank());
            Optional<String> equals = j.string("equals");
            if (path.isEmpty()) {
                j.problemHere("missing path, e.g. path = \"status\"");
            }
            if (equals.isEmpty()) {
                j.problemHere("missing equals, e.g. equals = \"ok\"");
            }
            return path.isPresent() && equals.isPresent()
                    ? Optional.of(new HttpProbeSpec.JsonExpectation(path.get(), equals.get())) : Optional.empty();
        });
        if (h.problemCount() != before) {
            return Optional.empty();
        }
        return Optional.of(new HttpProbeSpec(url.orElseThrow(), statuses, body, timeout, headers, tlsVerify, method,
                requestBody, followRedirects, expectJson));
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static Optional<ProjectOverride> readProject(ObjectReader p) {
        p.rejectUnknown(Set.of("directory", "files"));
        Optional<String> directory = p.string("directory");
        if (directory.isEmpty()) {
            p.problemHere("missing directory: the compose project's working directory");
            return Optional.empty();
        }
        Path dir = Path.of(directory.get());
        if (!dir.isAbsolute()) {
            p.problem("directory", "must be an absolute path, got \"" + directory.get() + "\"");
            return Optional.empty();
        }
        List<Path> files = p.stringList("files", true).orElse(List.of()).stream().map(dir::resolve).toList();
        return Optional.of(new ProjectOverride(dir, files));
    }

    /** Why a check with this timeout cannot fit its interval, or empty when it can (or either is unknown). */
    private static Optional<String> timeoutNotBelowInterval(Duration timeout, Duration interval) {
        if (timeout == null || interval == null || timeout.compareTo(interval) < 0) {
            return Optional.empty();
        }
        return Optional.of("timeout " + human(timeout) + " must be shorter than interval " + human(interval));
    }

    /** Why {@code d} is too long for what it bounds, or empty. */
    private static Optional<String> atMost(Duration d, Duration max) {
        return d != null && d.compareTo(max) > 0
                ? Optional.of("at most " + human(max) + ", got " + human(d)) : Optional.empty();
    }

    /**
     * Checks that each of {@code keys} set at this level lies in {@code [min, max]}: a 1 ms interval burns a
     * core, a 30-day timeout outlives every check it bounds.
     */
    static void bounded(ObjectReader r, Duration min, Duration max, String... keys) {
        for (String key : keys) {
            // Wrong types and non-positive values are the duration reader's to report, once.
            Optional<Duration> d = r.durationQuietly(key).filter(v -> !v.isNegative() && !v.isZero());
            if (d.isEmpty()) {
                continue;
            }
            if (d.get().compareTo(min) < 0) {
                r.problem(key, "at least " + human(min) + ", got " + human(d.get()));
            } else {
                atMost(d.get(), max).ifPresent(message -> r.problem(key, message));
            }
        }
    }

    private static void checkTimeoutBelowInterval(ObjectReader level, Knobs knobs, ObjectReader medic) {
        Optional<String> problem = timeoutNotBelowInterval(knobs.timeout, knobs.interval);
        if (problem.isEmpty()) {
            return;
        }
        String message = problem.get();
        // Point at the value the operator wrote; a target that overrides neither inherits the global report.
        for (String key : List.of("timeout", "interval")) {
            if (level.has(key) && !level.isDefault(key)) {
                level.problem(key, message);
                return;
            }
        }
        if (level == medic) {
            medic.problem("timeout", message);
        }
    }

    private static DockerSettings readDocker(ObjectReader medic) {
        ObjectReader d = section(medic, "docker");
        d.rejectUnknown(Set.of("host", "timeout", "stop-timeout"));
        String host = d.string("host").orElse("unix:///var/run/docker.sock");
        if (!host.startsWith("unix://") && !host.startsWith("tcp://")) {
            d.problem("host", "expected unix:///path or tcp://host:port, got \"" + host + "\"");
        }
        bounded(d, Duration.ofMillis(1), MAX_TIMEOUT, "timeout");
        bounded(d, Duration.ZERO, MAX_TIMEOUT, "stop-timeout");
        Duration timeout = d.duration("timeout", false).orElse(Duration.ofSeconds(15));
        Duration stop = d.duration("stop-timeout", true).orElse(Duration.ofSeconds(10));
        return new DockerSettings(host, timeout, stop);
    }

    private static ComposeSettings readCompose(ObjectReader medic) {
        ObjectReader c = section(medic, "compose");
        c.rejectUnknown(Set.of("command", "timeout"));
        List<String> command = List.of();
        Optional<List<String>> raw = c.stringList("command", true);
        if (raw.isPresent()) {
            List<String> list = raw.get();
            if (list.size() == 1 && list.get(0).equals("auto")) {
                command = List.of();
            } else if (list.isEmpty() || list.stream().anyMatch(String::isBlank)) {
                c.problem("command", "expected auto or a command as a list, e.g. [\"docker-compose\"]");
            } else if (list.size() == 1 && list.get(0).contains(" ")) {
                c.problem("command", "give the command as a list, e.g. [\"docker\", \"compose\"], not one string");
            } else {
                command = list;
            }
        }
        // A project whose images are rebuilt or pulled on up can take long, but not forever.
        bounded(c, Duration.ofSeconds(1), Duration.ofHours(1), "timeout");
        Duration timeout = c.duration("timeout", false).orElse(Duration.ofMinutes(5));
        return new ComposeSettings(command, timeout);
    }

    private static DiscoverySettings readDiscovery(ObjectReader medic) {
        ObjectReader d = section(medic, "discovery");
        d.rejectUnknown(Set.of("enabled", "labels", "allow-remote-urls"));
        boolean enabled = d.bool("enabled").orElse(true);
        Map<String, String> labels = new LinkedHashMap<>();
        int before = d.problemCount();
        for (String label : d.stringList("labels", false).orElse(List.of())) {
            int eq = label.indexOf('=');
            if (eq <= 0) {
                d.problem("labels", "expected key=value, got \"" + label + "\"");
            } else {
                labels.put(label.substring(0, eq), label.substring(eq + 1));
            }
        }
        if (enabled && labels.isEmpty() && d.has("labels") && d.problemCount() == before) {
            d.problem("labels", "discovery is enabled but lists no labels");
        }
        return new DiscoverySettings(enabled, labels, d.bool("allow-remote-urls").orElse(false));
    }

    /** Every name in depends-on is a target, not the target itself, and the graph has no cycle. */
    private static void checkDependencies(Map<String, List<String>> dependencies, Map<String, ObjectReader> readers) {
        for (Map.Entry<String, List<String>> e : dependencies.entrySet()) {
            for (String dep : e.getValue()) {
                if (dep.equals(e.getKey())) {
                    readers.get(e.getKey()).problem("depends-on", "a target cannot depend on itself");
                } else if (!readers.containsKey(dep)) {
                    readers.get(e.getKey()).problem("depends-on", "unknown target \"" + dep + "\" (known: "
                            + String.join(", ", readers.keySet()) + ")");
                }
            }
        }
        Set<String> reported = new java.util.HashSet<>();
        for (String start : dependencies.keySet()) {
            List<String> cycle = findCycle(start, dependencies, new ArrayList<>(), new java.util.HashSet<>());
            if (!cycle.isEmpty() && reported.add(cycle.stream().skip(1).sorted().collect(Collectors.joining(",")))) {
                readers.get(cycle.get(0)).problem("depends-on", "dependency cycle: " + String.join(" -> ", cycle));
            }
        }
    }

    /** A path from {@code node} back to a target already on {@code path}, ending where it started; else empty. */
    private static List<String> findCycle(String node, Map<String, List<String>> deps, List<String> path,
                                          Set<String> done) {
        int at = path.indexOf(node);
        if (at >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
            cycle.add(node);
            return cycle;
        }
        if (!done.add(node)) {
            return List.of();
        }
        path.add(node);
        for (String next : deps.getOrDefault(node, List.of())) {
            if (!next.equals(node)) {
                List<String> cycle = findCycle(next, deps, path, done);
                if (!cycle.isEmpty()) {
                    return cycle;
                }
            }
        }
        path.remove(path.size() - 1);
        return List.of();
    }

    /**
     * A budget object {@code { count = N, per = D }} at {@code key}; a key it leaves out falls back to
     * {@code parent} (a target's max-actions may set only its count). Empty when absent or broken.
     */
    private static Optional<ActionBudget> readBudget(ObjectReader r, String key, ActionBudget parent) {
        if (!r.has(key)) {
            return Optional.ofNullable(parent);
        }
        Optional<ObjectReader> b = r.object(key);
        if (b.isEmpty()) {
            return Optional.empty();
        }
        b.get().rejectUnknown(Set.of("count", "per"));
        Optional<Integer> count = b.get().integer("count", 1).or(() -> Optional.ofNullable(parent).map(ActionBudget::count));
        Optional<Duration> per = b.get().duration("per", false).or(() -> Optional.ofNullable(parent).map(ActionBudget::per));
        if (count.isEmpty() && !b.get().has("count")) {
            b.get().problem("count", "missing: how many actions the window allows");
        }
        if (per.isEmpty() && !b.get().has("per")) {
            b.get().problem("per", "missing: the window, such as 1h");
        }
        return count.isPresent() && per.isPresent() ? Optional.of(new ActionBudget(count.get(), per.get()))
                : Optional.empty();
    }

    private static ApiSettings readApi(ObjectReader medic) {
        ObjectReader api = section(medic, "api");
        api.rejectUnknown(Set.of("listen", "allow-remote", "metrics-listen"));
        boolean allowRemote = api.bool("allow-remote").orElse(false);
        Optional<ListenAddress> listen = listenAddress(api, "listen");
        listen.filter(a -> !allowRemote && !isLoopback(a.host())).ifPresent(a -> api.problem("listen",
                "\"" + a + "\" is not a loopback address: anyone who reaches it can pause healing and read every "
                        + "target's state; use 127.0.0.1, or set api.allow-remote = true if a firewall guards it"));
        Optional<ListenAddress> metrics = listenAddress(api, "metrics-listen");
        if (listen.isPresent() && metrics.isPresent() && listen.get().port() == metrics.get().port()
                && (listen.get().host().equals(metrics.get().host()) || isWildcard(listen.get().host())
                        || isWildcard(metrics.get().host()))) {
            api.problem("metrics-listen", "uses the same address as listen (" + listen.get() + ")");
        }
        return new ApiSettings(listen, allowRemote, metrics);
    }

    /** {@code HOST:PORT} at {@code key}, or empty when the key is "" (disabled) or wrong (a problem recorded). */
    private static Optional<ListenAddress> listenAddress(ObjectReader api, String key) {
        String listen = api.string(key).orElse("").strip();
        if (listen.isEmpty()) {
            return Optional.empty();
        }
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            api.problem(key, "expected HOST:PORT or \"\" to disable, got \"" + listen + "\"");
            return Optional.empty();
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(listen.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return Optional.of(new ListenAddress(host, port));
        } catch (NumberFormatException e) {
            api.problem(key, "port must be 1-65535, got \"" + listen.substring(colon + 1) + "\"");
            return Optional.empty();
        }
    }

    /** Whether {@code host} names only this machine's loopback (no lookup: a name other than localhost is not). */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] parts = h.split("\\.");
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String part : parts) {
            if (!part.matches("[0-9]{1,3}") || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0");
    }

    /** {@code evidence { log-lines, redact }}: each pattern must compile. */
    private static EvidenceSettings readEvidence(ObjectReader medic) {
        ObjectReader e = section(medic, "evidence");
        e.rejectUnknown(Set.of("log-lines", "redact"));
        int logLines = e.integer("log-lines", 0).orElse(EvidenceSettings.DEFAULT_LOG_LINES);
        if (logLines > 1000) {
            e.problem("log-lines", "at most 1000, got " + logLines);
        }
        List<java.util.regex.Pattern> redact = new ArrayList<>();
        List<String> patterns = e.stringList("redact", true).orElse(List.of());
        for (int i = 0; i < patterns.size(); i++) {
            try {
                redact.add(java.util.regex.Pattern.compile(patterns.get(i)));
            } catch (java.util.regex.PatternSyntaxException ex) {
                e.problem("redact", "pattern " + (i + 1) + " is not a valid regular expression: "
                        + ex.getDescription());
            }
        }
        return new EvidenceSettings(Math.min(logLines, 1000), redact);
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toUnmodifiableSet());
    }

    /** The policy knobs read at one level (global or a target), falling back to the level above. */
    private static final class Knobs {
        static final Knobs EMPTY = new Knobs();
        Duration interval;
        Duration retryInterval;
        Duration timeout;
        Integer failureThreshold;
        Integer successThreshold;
        Duration startPeriod;
        List<LadderStep> ladder;
        Duration giveUpCooldown;
        ActionBudget maxActions;
        Duration backoffInitial;
        Duration backoffMax;
        /** The default lives here: EMPTY, the global level's parent, hands it down when no file sets the key. */
        Duration stillFailingEvery = HealthPolicy.DEFAULT_STILL_FAILING_EVERY;

        static Knobs read(ObjectReader r, Knobs parent) {
            // still-failing-every at most a day: a rarer reminder lets journald rotate a failure's last line away.
            bounded(r, MIN_INTERVAL, MAX_INTERVAL, "interval", "retry-interval", STILL_FAILING_EVERY);
            bounded(r, Duration.ofMillis(1), MAX_TIMEOUT, "timeout");
            Knobs k = new Knobs();
            k.interval = r.duration("interval", false).orElse(parent.interval);
            k.retryInterval = r.duration("retry-interval", false).orElse(parent.retryInterval);
            k.timeout = r.duration("timeout", false).orElse(parent.timeout);
            k.failureThreshold = r.integer("failure-threshold", 1).orElse(parent.failureThreshold);
            k.successThreshold = r.integer("success-threshold", 1).orElse(parent.successThreshold);
            k.startPeriod = r.duration("start-period", true).orElse(parent.startPeriod);
            k.giveUpCooldown = r.duration("give-up-cooldown", true).orElse(parent.giveUpCooldown);
            k.ladder = r.has("escalation") ? readLadder(r) : parent.ladder;
            k.maxActions = readBudget(r, "max-actions", parent.maxActions).orElse(null);
            k.stillFailingEvery = r.duration(STILL_FAILING_EVERY, false).orElse(parent.stillFailingEvery);
            k.backoffInitial = parent.backoffInitial;
            k.backoffMax = parent.backoffMax;
            r.object("backoff").ifPresent(b -> {
                b.rejectUnknown(Set.of("initial", "max"));
                k.backoffInitial = b.duration("initial", true).orElse(k.backoffInitial);
                k.backoffMax = b.duration("max", true).orElse(k.backoffMax);
                if (k.backoffInitial != null && k.backoffMax != null && k.backoffMax.compareTo(k.backoffInitial) < 0) {
                    b.problem("max", "must not be below initial (" + human(k.backoffInitial) + ")");
                    k.backoffMax = null;
                }
            });
            return k;
        }

        private static List<LadderStep> readLadder(ObjectReader r) {
            Optional<ConfigList> list = r.list("escalation");
            if (list.isEmpty()) {
                return null;
            }
            if (list.get().isEmpty()) {
                r.problem("escalation", "the ladder is empty: list at least one step, e.g. "
                        + "{ action = restart-container, attempts = 3 }");
                return null;
            }
            List<LadderStep> steps = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < list.get().size(); i++) {
                ConfigValue item = list.get().get(i);
                String itemPath = r.pathOf("escalation") + "[" + i + "]";
                if (item.valueType() != ConfigValueType.OBJECT) {
                    r.problemAt(item.origin(), itemPath, "expected { action = ..., attempts = N }, got "
                            + ObjectReader.describe(item));
                    ok = false;
                    continue;
                }
                ObjectReader step = r.child((ConfigObject) item, itemPath);
                step.rejectUnknown(Set.of("action", "attempts", "command"));
                Optional<String> action = step.string("action");
                Optional<HealingActionKind> kind = action.flatMap(HealingActionKind::fromConfigName);
                if (action.isEmpty()) {
                    step.problemHere("missing action");
                } else if (kind.isEmpty()) {
                    step.problem("action", "unknown action \"" + action.get() + "\" (known: "
                            + Arrays.stream(HealingActionKind.values()).map(HealingActionKind::configName)
                                    .collect(Collectors.joining(", ")) + ")");
                }
                int attempts = step.integer("attempts", 1).orElse(1);
                List<String> command = step.has("command") ? step.stringList("command", false).orElse(List.of())
                        : List.of();
                boolean execHost = kind.filter(k -> k == HealingActionKind.EXEC_HOST).isPresent();
                if (execHost && command.isEmpty()) {
                    step.problemHere("exec-host needs a command, e.g. command = [\"/usr/local/bin/clean-logs\"]");
                    ok = false;
                } else if (!execHost && step.has("command")) {
                    step.problem("command", "only exec-host runs a command");
                    ok = false;
                } else if (kind.isPresent()) {
                    steps.add(new LadderStep(kind.get(), attempts, command));
                } else {
                    ok = false;
                }
            }
            return ok ? steps : null;
        }

        /** The policy, or a placeholder when a problem was already recorded (the load fails anyway). */
        HealthPolicy policy(ObjectReader at, boolean healable) {
            if (interval == null || retryInterval == null || failureThreshold == null || successThreshold == null
                    || startPeriod == null || giveUpCooldown == null || ladder == null || maxActions == null
                    || backoffInitial == null || backoffMax == null || stillFailingEvery == null) {
                return placeholder(healable);
            }
            return new HealthPolicy(interval, retryInterval, failureThreshold, successThreshold, startPeriod,
                    healable ? ladder : List.of(), giveUpCooldown, healable, maxActions, backoffInitial, backoffMax,
                    stillFailingEvery);
        }

        private static HealthPolicy placeholder(boolean healable) {
            return new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 1, Duration.ZERO,
                    healable ? HealthPolicy.defaultLadder() : List.of(), Duration.ZERO, healable);
        }
    }
}
