package dev.medic.cli;

import dev.medic.config.ConfigLoader;
import dev.medic.config.ConfigProblem;
import dev.medic.config.ConfigRejectedException;
import dev.medic.config.LabelTarget;
import dev.medic.config.MedicConfig;
import dev.medic.config.ProbeSpec;
import dev.medic.config.TargetSpec;
import dev.medic.docker.ComposeRunner;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.DockerJavaRuntime;
import dev.medic.docker.DockerUnavailableException;
import dev.medic.engine.Engine;
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

/**
 * {@code medic doctor}: audits this host for medic, one line per finding ({@code ok}, {@code warn},
 * {@code FAIL}): the configuration, the Docker socket, the compose CLI, and every running container —
 * watched by config or by labels, not watched, or watched only by Docker's HEALTHCHECK (which restarts
 * nothing) — with every label medic cannot read. Exit 0 without FAIL lines, else 1.
 */
@Command(name = "doctor", description = "Audit this host: config, Docker, compose, containers and their labels.")
final class DoctorCommand implements java.util.concurrent.Callable<Integer> {
    @Mixin
    ConfigOption config;

    private final List<String> lines = new ArrayList<>();
    private int failures;
    private int warnings;

    private void ok(String what) {
        lines.add("ok    " + what);
    }

    private void warn(String what) {
        lines.add("warn  " + what);
        warnings++;
    }

    private void fail(String what) {
        lines.add("FAIL  " + what);
        failures++;
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
        ExecutorService calls = Executors.newCachedThreadPool(Daemon.daemonThreads("medic-doctor"));
        try (DockerJavaRuntime docker = new DockerJavaRuntime(loaded.docker().host(), loaded.docker().timeout(), calls,
                up -> { })) {
            auditCompose(loaded);
            auditContainers(loaded, docker);
        } finally {
            calls.shutdownNow();
        }
        lines.forEach(System.out::println);
        System.out.println(failures + " problems, " + warnings + " warnings");
        return failures == 0 ? Main.EXIT_OK : Main.EXIT_UNHEALTHY;
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

    private void auditContainers(MedicConfig c, DockerJavaRuntime docker) {
        List<ContainerInfo> all;
        try {
            all = new ArrayList<>(docker.findByLabels(Map.of()));
            ok("docker: " + c.docker().host() + " answers; " + all.size() + " containers");
        } catch (DockerUnavailableException e) {
            String hint = e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT)
                    .contains("permission denied") ? "; add this user to group docker" : "";
            fail("docker: " + c.docker().host() + ": " + e.getMessage() + hint);
            return;
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
            Optional<String> target = Engine.configuredTargetOf(c, ct.name(), ct.id(), ct.labels())
                    .map(TargetSpec::name);
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
        }
    }

    private static boolean hasMedicLabels(ContainerInfo c) {
        return c.labels().keySet().stream().anyMatch(k -> k.startsWith("medic."));
    }

}
