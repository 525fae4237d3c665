package dev.medic.heal;

import dev.medic.docker.ComposeProject;
import java.util.List;

/**
 * Where medic notes a compose project restart before its {@code down} and clears the note after its
 * {@code up}. A note left by an earlier run is a restart medic died in the middle of (SIGKILL, the
 * systemd watchdog): its {@code down} may have run and its {@code up} never did, so the project's
 * containers are gone and nothing in Docker says where its compose files are. The note does.
 *
 * <p>Implementations are thread-safe.
 */
public interface ProjectRestartLog {

    /** Notes that a restart of {@code project} begins; returns once the note would survive a crash. */
    void begun(ComposeProject project);

    /** Clears the note of {@code project}'s restart, whatever its outcome. */
    void ended(String project);

    /** The restarts an earlier run began and never ended, as read when this log was opened. */
    List<ComposeProject> leftUnfinished();

    /**
     * A log that keeps nothing (no state directory): a restart cut short is not resumed, since nothing of
     * this process outlives it.
     */
    static ProjectRestartLog none() {
        return new ProjectRestartLog() {
            @Override
            public void begun(ComposeProject project) {
            }

            @Override
            public void ended(String project) {
            }

            @Override
            public List<ComposeProject> leftUnfinished() {
                return List.of();
            }
        };
    }
}
