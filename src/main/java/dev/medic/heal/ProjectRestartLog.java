package dev.medic.heal;

import dev.medic.docker.ComposeProject;
import java.util.List;

/**
 * Where medic notes a compose project restart before its {@code down} and clears the note once an
 * {@code up} has succeeded. A note still there is a project medic took down and did not bring back:
 * either medic died in the middle (SIGKILL, the systemd watchdog) or the {@code up} failed. Its
 * containers may be gone and nothing in Docker says where its compose files are, or which services were
 * running before; the note does.
 *
 * <p>Implementations are thread-safe.
 */
public interface ProjectRestartLog {

    /**
     * One noted restart.
     *
     * @param services the services that were running when medic took the project down: the only ones it
     *                 brings back; empty for a note written by an older medic (then the whole project)
     */
    record Note(ComposeProject project, List<String> services) {
        public Note {
            services = List.copyOf(services);
        }
    }

    /** Notes that a restart of the note's project begins; returns once the note would survive a crash. */
    void begun(Note note);

    /** Clears the note of {@code project}'s restart: its services are up again (or cannot ever be). */
    void ended(String project);

    /** The restarts an earlier run began and never ended, as read when this log was opened. */
    List<Note> leftUnfinished();

    /**
     * A log that keeps nothing (no state directory): a restart cut short is not resumed, since nothing of
     * this process outlives it.
     */
    static ProjectRestartLog none() {
        return new ProjectRestartLog() {
            @Override
            public void begun(Note note) {
            }

            @Override
            public void ended(String project) {
            }

            @Override
            public List<Note> leftUnfinished() {
                return List.of();
            }
        };
    }
}
