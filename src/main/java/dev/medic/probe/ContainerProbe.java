package dev.medic.probe;

import dev.medic.config.TargetSpec;
import dev.medic.core.CheckResult;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerLocator;
import dev.medic.docker.DockerUnavailableException;
import java.util.Optional;

/**
 * The container probe: the target's container must exist, run, and be neither restarting nor paused. A
 * container that Docker's own restart policy is restarting ({@link ContainerInfo#restartedByDocker()}) is said
 * to be so ({@link CheckResult#dockerRestarts()}): its back-off between restarts is not a death for medic to
 * heal, and restarting it too would restart it twice. An exited one is down whatever its policy: Docker has
 * given up on it or was told to leave it (see {@link ContainerInfo#restartedByDocker()}).
 * Docker's OOM-killed flag only explains why a stopped container stopped: Docker does not clear it when
 * its restart policy starts the container again, so on a running container it is history, not a fault.
 * Docker's own health verdict is not judged here but carried to {@link TargetChecker},
 * which applies the docker-health rule. Thread-safe.
 */
public final class ContainerProbe {
    private final ContainerLocator locator;

    public ContainerProbe(ContainerLocator locator) {
        this.locator = locator;
    }

    /**
     * What the container probe saw.
     *
     * @param result PASS when the container runs; otherwise why not
     * @param container the container found, if any
     */
    public record Observation(CheckResult result, Optional<ContainerInfo> container) { }

    public Observation observe(TargetSpec target) {
        Optional<ContainerInfo> found;
        try {
            found = locator.locate(target);
        } catch (DockerUnavailableException e) {
            // Several containers claiming one service is not Docker being down: say what it is.
            String why = ContainerLocator.isConflict(e) ? e.getMessage() : "Docker unreachable: " + e.getMessage();
            return new Observation(CheckResult.unknown(why), Optional.empty());
        }
        if (found.isEmpty()) {
            return new Observation(CheckResult.down(ContainerLocator.describe(target) + " not found"), found);
        }
        ContainerInfo c = found.get();
        String who = "container " + c.name();
        if (c.restarting()) {
            String what = who + " is restarting (last exit code " + c.exitCode() + ")";
            return new Observation(c.restartedByDocker() ? CheckResult.restartingByDocker(what
                    + "; Docker's restart policy " + c.restartPolicy() + " brings it back (RestartCount "
                    + c.restartCount() + ")") : CheckResult.fail(what), found);
        }
        if (!c.running()) {
            // oom_killed=true in the key=value form the journal and evidence use, so that a grep finds it.
            String why = c.oomKilled() ? "OOM-killed (exit code " + c.exitCode() + ", oom_killed=true)"
                    : "exited with code " + c.exitCode();
            // Under a restart policy, an exited container is one Docker has given up on or was told to leave.
            String policy = c.restartPolicy().restarts() ? "; restart policy " + c.restartPolicy()
                    + " did not bring it back (RestartCount " + c.restartCount() + ")" : "";
            String detail = who + " is " + c.status() + ": " + why + policy;
            // Exited under policy "no": Docker will not start it again, so there is nothing to wait for. Any other
            // state ("removing", "dead", a policy that restarts) keeps the grace: an operator's rm may be underway.
            boolean forGood = c.status().equals("exited") && c.restartPolicy().name().equals("no");
            return new Observation(forGood ? CheckResult.downForGood(detail) : CheckResult.down(detail), found);
        }
        if ("paused".equals(c.status())) {
            return new Observation(CheckResult.fail(who + " is paused"), found);
        }
        return new Observation(CheckResult.pass(who + " running"), found);
    }
}
