package dev.medic.probe;

import dev.medic.config.SystemdUnitTarget;
import dev.medic.systemd.SystemdUnits;
import dev.medic.config.DockerHealthMode;
import dev.medic.config.ProbeSpec;
import dev.medic.config.TargetSpec;
import dev.medic.core.CheckResult;
import dev.medic.core.Printable;
import dev.medic.core.Verdict;
import dev.medic.docker.ContainerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs one check of a target: the container probe first (when the target has a container), then its
 * own probes in order. PASS if all pass; FAIL with the first failure's reason; UNKNOWN if medic could
 * not tell. Applies the docker-health rule: Docker's "unhealthy" fails the target when docker-health
 * is {@code on}, or {@code auto} and the target has no probe of its own; when medic's own probes pass
 * against Docker's verdict the result is a pass marked as a disagreement. Thread-safe.
 */
public final class TargetChecker {
    private final ContainerProbe containerProbe;
    private final ProbeRegistry probes;
    private final SystemdUnits units;
    private final ProbeObserver observer;

    public TargetChecker(ContainerProbe containerProbe, ProbeRegistry probes) {
        this(containerProbe, probes, new SystemdUnits());
    }

    public TargetChecker(ContainerProbe containerProbe, ProbeRegistry probes, SystemdUnits units) {
        this(containerProbe, probes, units, ProbeObserver.NONE);
    }

    public TargetChecker(ContainerProbe containerProbe, ProbeRegistry probes, SystemdUnits units,
                         ProbeObserver observer) {
        this.containerProbe = containerProbe;
        this.probes = probes;
        this.units = units;
        this.observer = observer;
    }

    /** Runs one probe and tells the {@link ProbeObserver} how long it took. */
    private <T> T timed(String target, String probe, java.util.function.Supplier<T> run,
                        java.util.function.Function<T, CheckResult> resultOf) {
        long start = System.nanoTime();
        T out = run.get();
        observer.probed(target, probe, resultOf.apply(out).verdict(), java.time.Duration.ofNanos(System.nanoTime() - start));
        return out;
    }

    /** A systemd unit passes while its ActiveState is active. */
    private CheckResult unitCheck(SystemdUnitTarget target) {
        try {
            SystemdUnits.UnitState s = units.state(target.unit(), target.timeout());
            if (!s.exists()) {
                return CheckResult.fail("unit " + target.unit() + " not found");
            }
            String state = "unit " + target.unit() + " is " + s.activeState() + " (" + s.subState() + ")";
            return s.activeState().equals("active") ? CheckResult.pass(state) : CheckResult.fail(state);
        } catch (java.io.IOException e) {
            return CheckResult.unknown("unit " + target.unit() + ": " + e.getMessage());
        }
    }

    /** The check's result and the container it looked at. */
    public record Check(CheckResult result, Optional<ContainerInfo> container) { }

    public Check check(TargetSpec target) {
        Optional<ContainerInfo> container = Optional.empty();
        List<String> passed = new ArrayList<>();
        if (target instanceof SystemdUnitTarget unit) {
            CheckResult r = timed(target.name(), "systemd-unit", () -> unitCheck(unit), x -> x);
            if (r.verdict() != Verdict.PASS) {
                return new Check(r, container);
            }
            passed.add(r.detail());
        }
        if (target.hasContainer()) {
            ContainerProbe.Observation seen = timed(target.name(), "container", () -> containerProbe.observe(target),
                    ContainerProbe.Observation::result);
            container = seen.container();
            if (seen.result().verdict() != Verdict.PASS) {
                return new Check(seen.result(), container);
            }
            passed.add(seen.result().detail());
        }
        CheckResult unknown = null;
        for (ProbeSpec spec : target.probes()) {
            Optional<ContainerInfo> seen = container;
            CheckResult r = timed(target.name(), spec.kind(), () -> probes.run(spec, seen,
                    notAfter -> observer.certificateExpires(target.name(), notAfter)), x -> x);
            if (r.verdict() == Verdict.FAIL) {
                return new Check(r, container);
            }
            if (r.verdict() == Verdict.UNKNOWN && unknown == null) {
                unknown = r;
            } else if (r.verdict() == Verdict.PASS) {
                passed.add(r.detail());
            }
        }
        boolean unhealthy = container.flatMap(ContainerInfo::health).filter("unhealthy"::equals).isPresent();
        if (unhealthy) {
            String dockerSays = "Docker health unhealthy" + container.map(c -> c.lastHealthOutput().isEmpty() ? ""
                    : " (" + oneLine(c.lastHealthOutput()) + ")").orElse("");
            DockerHealthMode mode = target.dockerHealth();
            boolean judgedByDocker = mode == DockerHealthMode.ON
                    || (mode == DockerHealthMode.AUTO && target.probes().isEmpty());
            if (judgedByDocker) {
                return new Check(CheckResult.fail(dockerSays), container);
            }
            if (mode == DockerHealthMode.AUTO && unknown == null) {
                return new Check(CheckResult.pass(String.join("; ", passed) + "; " + dockerSays)
                        .withHealthDisagreement(), container);
            }
        }
        if (unknown != null) {
            return new Check(unknown, container);
        }
        return new Check(CheckResult.pass(String.join("; ", passed)), container);
    }

    /** Docker's health log is the container's text: one printable line, cut. */
    private static String oneLine(String s) {
        return Printable.excerpt(s, 200);
    }
}
