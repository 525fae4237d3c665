package dev.medic.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.config.ConfigLoader;
import dev.medic.config.ConfigProblem;
import dev.medic.config.ConfigRejectedException;
import dev.medic.config.LabelTarget;
import dev.medic.config.MedicConfig;
import dev.medic.config.ProbeSpec;
import dev.medic.config.ServiceTarget;
import dev.medic.config.SystemdUnitTarget;
import dev.medic.config.TargetSpec;
import dev.medic.docker.ComposeProject;
import dev.medic.docker.ComposeRunner;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.DockerJavaRuntime;
import dev.medic.docker.DockerUnavailableException;
import dev.medic.engine.Engine;
import dev.medic.systemd.SystemdUnits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code medic doctor}: audits this host for medic, one line per finding ({@code ok}, {@code warn},
 * {@code FAIL}): the configuration, the Docker socket, the compose CLI, and every running container —
 * watched by config or by labels, not watched, or watched only by Docker's HEALTHCHECK (which restarts
 * nothing) — with every label medic cannot read; then what the installed service can do, as its own user
 * and not as root who runs doctor ({@link ServiceUserAudit}): read the files of every compose project it
 * watches, restart the unit of every systemd-unit target, use the Docker socket. Exit 0 without FAIL
 * lines, else 1. {@code --json} prints the same findings as one {@link Report}.
 */
@Command(name = "doctor", description = "Audit this host: config, Docker, compose, containers and their labels.")
final class DoctorCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "Print the findings as JSON: findings[] of level (ok, warn, fail) and"
            + " text; problems; warnings.")
    boolean asJson;

    private static final Duration SYSTEMD_LIMIT = Duration.ofSeconds(5);

    private final List<ServiceUserAudit.Finding> findings = new ArrayList<>();

    /**
     * What {@code --json} prints.
     *
     * @param problems how many findings are fail (the text's FAIL lines)
     */
    record Report(List<JsonFinding> findings, int problems, int warnings) {
        Report {
            findings = List.copyOf(findings);
        }
    }

    /** One finding; {@code level} is ok, warn or fail. */
    record JsonFinding(String level, String text) {
        static JsonFinding of(ServiceUserAudit.Finding f) {
            return new JsonFinding(f.level().name().toLowerCase(java.util.Locale.ROOT), f.text());
        }
    }

    private void ok(String what) {
        findings.add(new ServiceUserAudit.Finding(ServiceUserAudit.Level.OK, what));
    }

    private void warn(String what) {
        findings.add(new ServiceUserAudit.Finding(ServiceUserAudit.Level.WARN, what));
    }

    private void fail(String what) {
        findings.add(new ServiceUserAudit.Finding(ServiceUserAudit.Level.FAIL, what));
    }

    private long count(ServiceUserAudit.Level level) {
        return findings.stream().filter(f -> f.level() == level).count();
    }

    /** The text line of a finding: its level in a column of six, then what was found. */
    static String line(ServiceUserAudit.Finding f) {
        return switch (f.level()) {
            case OK -> "ok    ";
            case WARN -> "warn  ";
            case FAIL -> "FAIL  ";
        } + f.text();
    }

    @Override
    public Integer call() throws Exception {
        MedicConfig loaded;
        try {
            loaded = config.load();
            ok("config: " + loaded.targets().size() + " targets from "
                    + (loaded.sources().isEmpty() ? "the embedded defaults" : String.join(", ", loaded.sources())));
            auditTargets(loaded);
        } catch (ConfigRejectedException e) {
            for (ConfigProblem p : e.problems()) {
                fail("config " + p);
            }
            loaded = ConfigLoader.load(List.of());
        }
        List<ServiceUserAudit.WatchedProject> projects = new ArrayList<>(configuredProjects(loaded));
        ExecutorService calls = Executors.newCachedThreadPool(Daemon.daemonThreads("medic-doctor"));
        try (DockerJavaRuntime docker = new DockerJavaRuntime(loaded.docker().host(), loaded.docker().timeout(), calls,
                up -> { })) {
            auditCompose(loaded);
            projects.addAll(auditContainers(loaded, docker));
        } finally {
            calls.shutdownNow();
        }
        auditService(loaded, projects);
        int problems = (int) count(ServiceUserAudit.Level.FAIL);
        int warnings = (int) count(ServiceUserAudit.Level.WARN);
        if (asJson) {
            System.out.println(new ObjectMapper().writeValueAsString(
                    new Report(findings.stream().map(JsonFinding::of).toList(), problems, warnings)));
        } else {
            findings.forEach(f -> System.out.println(line(f)));
            System.out.println(problems + " problems, " + warnings + " warnings");
        }
        return problems == 0 ? Main.EXIT_OK : Main.EXIT_UNHEALTHY;
    }

    private void auditTargets(MedicConfig c) {
        for (TargetSpec t : c.targets()) {
            if (t instanceof dev.medic.config.SystemdUnitTarget u) {
                try {
                    var state = new dev.medic.systemd.SystemdUnits().state(u.unit(), Duration.ofSeconds(5));
                    if (state.exists()) {
                        ok("target " + t.name() + ": unit " + u.unit() + " is " + state.activeState() + " ("
                                + state.subState() + ")");
                    } else {
                        fail("target " + t.name() + ": unit " + u.unit() + " not found");
                    }
                } catch (java.io.IOException e) {
                    warn("target " + t.name() + ": cannot ask systemd about " + u.unit() + ": " + e.getMessage());
                }
            }
            if (t.hasContainer() && t.probes().isEmpty()) {
                warn("target " + t.name() + ": no probe of its own, only whether the container runs (and Docker's"
                        + " HEALTHCHECK): a hung app goes unnoticed; add http, tcp or exec");
            }
            Duration interval = t.policy().interval();
            for (ProbeSpec p : t.probes()) {
                Duration timeout = probeTimeout(p, t.timeout());
                if (timeout.multipliedBy(5).compareTo(interval.multipliedBy(4)) >= 0) {
                    warn("target " + t.name() + ": " + p.kind() + " timeout " + timeout.toMillis() + " ms is close to"
                            + " the interval " + interval.toMillis() + " ms; a slow answer delays the next check");
                }
            }
        }
    }

    private static Duration probeTimeout(ProbeSpec p, Duration fallback) {
        if (p instanceof dev.medic.config.HttpProbeSpec h) {
            return h.timeout();
        } else if (p instanceof dev.medic.config.TcpProbeSpec tcp) {
            return tcp.timeout();
        } else if (p instanceof dev.medic.config.RedisProbeSpec r) {
            return r.timeout();
        } else if (p instanceof dev.medic.config.PostgresProbeSpec pg) {
            return pg.timeout();
        } else if (p instanceof dev.medic.config.ExecProbeSpec e) {
            return e.timeout();
        } else if (p instanceof dev.medic.config.TlsExpiryProbeSpec x) {
            return x.timeout();
        }
        return fallback;
    }

    private void auditCompose(MedicConfig c) {
        ComposeRunner compose = new ComposeRunner(c.compose().command(), c.compose().timeout(), c.docker().host());
        ComposeRunner.Result v = compose.version();
        String first = v.output().lines().findFirst().orElse("").strip();
        if (v.ok()) {
            ok("compose: " + String.join(" ", compose.command()) + " (" + first + ")");
        } else {
            fail("compose: " + String.join(" ", compose.command()) + " does not run (" + (first.isEmpty()
                    ? "exit " + v.exitCode() : first) + "); project restarts will fail");
        }
    }

    /**
     * Sorts the containers into watched and not, and returns the compose projects of the watched ones (from their
     * labels; a target's {@code project} in config is taken from there instead, see {@link #configuredProjects}).
     */
    private List<ServiceUserAudit.WatchedProject> auditContainers(MedicConfig c, DockerJavaRuntime docker) {
        List<ServiceUserAudit.WatchedProject> projects = new ArrayList<>();
        List<ContainerInfo> all;
        try {
            all = new ArrayList<>(docker.findByLabels(Map.of()));
            ok("docker: " + c.docker().host() + " answers; " + all.size() + " containers");
        } catch (DockerUnavailableException e) {
            String hint = e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT)
                    .contains("permission denied") ? "; add this user to group docker" : "";
            fail("docker: " + c.docker().host() + ": " + e.getMessage() + hint);
            return projects;
        }
        all.sort(Comparator.comparing(ContainerInfo::name));
        for (ContainerInfo ct : all) {
            List<String> labelProblems = hasMedicLabels(ct) ? LabelTarget.from(ct.name(), ct.labels(), c).problems()
                    : List.of();
            for (String problem : labelProblems) {
                fail("container " + ct.name() + ": " + problem);
            }
            if (!ct.running()) {
                continue;
            }
            Optional<TargetSpec> configured = Engine.configuredTargetOf(c, ct.name(), ct.id(), ct.labels());
            Optional<String> target = configured.map(TargetSpec::name);
            Optional<String> label = c.discovery().enabled() ? Engine.discoveryLabelOf(c, ct.labels())
                    : Optional.empty();
            if (target.isPresent()) {
                ok("container " + ct.name() + ": watched as target " + target.get());
            } else if (label.isPresent()) {
                ok("container " + ct.name() + ": watched by its label " + label.get());
            } else if (ct.health().isPresent()) {
                warn("container " + ct.name() + ": watched only by Docker's HEALTHCHECK, which restarts nothing;"
                        + " label it medic.enable=true or add a target");
            } else {
                warn("container " + ct.name() + ": not watched");
            }
            if ((target.isPresent() || label.isPresent()) && configured.flatMap(TargetSpec::project).isEmpty()) {
                String by = target.map(t -> "target " + t).orElse("container " + ct.name());
                ComposeProject.fromLabels(ct.labels()).ifPresent(p -> projects.add(
                        new ServiceUserAudit.WatchedProject(p, by)));
            }
        }
        return projects;
    }

    /** The compose projects targets set in config ({@code project { directory, files }}). */
    private static List<ServiceUserAudit.WatchedProject> configuredProjects(MedicConfig c) {
        List<ServiceUserAudit.WatchedProject> projects = new ArrayList<>();
        for (TargetSpec t : c.targets()) {
            t.project().ifPresent(o -> {
                String name = t instanceof ServiceTarget s ? s.composeProject()
                        : String.valueOf(o.directory().getFileName());
                projects.add(new ServiceUserAudit.WatchedProject(new ComposeProject(name, o.directory(), o.files()),
                        "target " + t.name()));
            });
        }
        return projects;
    }

    /**
     * What the installed service can do, as its user: see {@link ServiceUserAudit}. Skipped, with a warning, where
     * systemd cannot be asked or medic.service is not installed (a checkout).
     */
    private void auditService(MedicConfig c, List<ServiceUserAudit.WatchedProject> projects) {
        SystemdUnits systemd = new SystemdUnits();
        ServiceUnitSettings unit;
        try {
            unit = ServiceUnitSettings.from(systemd.show(ServiceUnitSettings.UNIT, ServiceUnitSettings.PROPERTIES,
                    SYSTEMD_LIMIT));
        } catch (IOException e) {
            add(ServiceUserAudit.notChecked("cannot ask systemd about " + ServiceUnitSettings.UNIT + " ("
                    + e.getMessage().strip() + ")"));
            return;
        }
        if (!unit.installed()) {
            add(ServiceUserAudit.notChecked(ServiceUnitSettings.UNIT + " is not installed"));
            return;
        }
        if (unit.runsAsRoot()) {
            ok("service: " + ServiceUnitSettings.UNIT + " runs as root, which may read, restart and reach everything");
            return;
        }
        Optional<PosixServiceUser> user = PosixServiceUser.lookUp(unit.user(), unit.extraGroups());
        if (user.isEmpty()) {
            fail("service: " + ServiceUnitSettings.UNIT + " runs as user " + unit.user() + ", who does not exist here;"
                    + " reinstall medic (it creates the user)");
            return;
        }
        // The units the service may need to restart, judged as the list the service writes judges them.
        var ids = PolkitUnitList.systemdIds(systemd, SYSTEMD_LIMIT);
        PolkitUnitList polkitList = new PolkitUnitList(ids, FileStat::of);
        List<ServiceUserAudit.UnitTarget> units = new ArrayList<>();
        for (TargetSpec t : c.targets()) {
            if (t instanceof SystemdUnitTarget u && PolkitUnitList.restartsItsUnit(u)) {
                units.add(new ServiceUserAudit.UnitTarget(t.name(), u.unit(), ids.apply(u.unit())));
            }
        }
        List<ServiceUserAudit.Finding> findings = new ServiceUserAudit(unit, user.get())
                .expectingList(polkitList.units(c), polkitList.untrusted(config.sources(config.files())))
                .audit(projects, units, PolkitRestartRule.read(), dockerSocket(c));
        findings.forEach(this::add);
    }

    /** The Docker socket medic is configured to use, when it is a unix socket that exists. */
    private static Optional<ServiceUserAudit.DockerSocket> dockerSocket(MedicConfig c) {
        String host = c.docker().host();
        if (!host.startsWith("unix://")) {
            return Optional.empty();
        }
        Path socket = Path.of(host.substring("unix://".length()));
        return FileStat.of(socket).map(s -> {
            String group;
            try {
                group = Files.readAttributes(socket, PosixFileAttributes.class).group().getName();
            } catch (IOException | UnsupportedOperationException e) {
                group = Integer.toString(s.gid());
            }
            return new ServiceUserAudit.DockerSocket(socket, s, group);
        });
    }

    private void add(ServiceUserAudit.Finding f) {
        findings.add(f);
    }

    private static boolean hasMedicLabels(ContainerInfo c) {
        return c.labels().keySet().stream().anyMatch(k -> k.startsWith("medic."));
    }

}
