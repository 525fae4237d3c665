package dev.medic.engine;

import dev.medic.config.MedicConfig;
import dev.medic.core.ActionOutcome;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.core.Severity;
import dev.medic.docker.ComposeProject;
import dev.medic.event.EventPublisher;
import dev.medic.heal.Healer;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whole-project restarts as the engine sees them: at start, finishes the project restarts an earlier medic
 * began and never finished ({@code heal_resumed}); and whenever a project was restarted (by a worker's
 * action or by such a resume), tells the project's other workers so they wait instead of healing the same
 * outage again.
 *
 * <p>Thread-safe: no state of its own; the resumes run on the pool, each with a catch-all.
 */
final class ProjectRestartResume {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectRestartResume.class);

    private final Workers workers;
    private final Healer healer;
    private final EventPublisher events;
    private final Supplier<MedicConfig> config;
    private final Clock clock;
    private final ExecutorService pool;

    ProjectRestartResume(Workers workers, Healer healer, EventPublisher events, Supplier<MedicConfig> config,
                         Clock clock, ExecutorService pool) {
        this.workers = workers;
        this.healer = healer;
        this.events = events;
        this.config = config;
        this.clock = clock;
        this.pool = pool;
    }

    /** Hands every unfinished project restart to the pool to finish; a bug in one is logged, not lost. */
    void resumeUnfinished() {
        for (ComposeProject p : healer.unfinishedProjectRestarts()) {
            pool.execute(() -> {
                try {
                    finishProjectRestart(p);
                } catch (RuntimeException e) {
                    LOG.error("finishing the interrupted restart of project {} failed inside medic", p.name(), e);
                }
            });
        }
    }

    /**
     * Brings up a project whose restart an earlier medic began and never finished: its containers may be
     * gone, and no target could heal them (restart-container finds nothing, and the labels that name the
     * compose files went with the containers).
     */
    private void finishProjectRestart(ComposeProject p) {
        if (config.get().dryRun()) {
            events.publish(MedicEvent.of(EventType.HEAL_RESUMED, null, MedicEvent.fields("project", p.name(),
                    "outcome", "skipped", "dry_run", "true"), "an earlier medic was cut off restarting project "
                    + p.name() + "; dry-run: would have run up -d in " + p.workingDir(), clock.instant()));
            // Its targets are checked (and judged) as any other's; nothing in dry-run finishes the restart.
            healer.abandonFinish(p.name());
            return;
        }
        ActionOutcome outcome = healer.finishProjectRestart(p);
        events.publish(new MedicEvent(EventType.HEAL_RESUMED, outcome.ok() ? Severity.NOTICE : Severity.ERR, null,
                MedicEvent.fields("project", p.name(), "outcome", outcome.outcomeName(),
                        "took_ms", Long.toString(outcome.took().toMillis())),
                "an earlier medic was cut off restarting project " + p.name() + "; " + outcome.detail(),
                clock.instant()));
        if (outcome.ok()) {
            onProjectRestarted(p.name(), null);
        }
    }

    /** Project {@code project} was just restarted (by {@code by}, or by a resume when null): its other targets wait. */
    void onProjectRestarted(String project, TargetWorker by) {
        for (TargetWorker w : workers.all()) {
            if (w != by && w.project().filter(project::equals).isPresent()) {
                w.restartedElsewhere();
            }
        }
    }
}
