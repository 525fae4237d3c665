package dev.medic.core;

import java.util.Locale;

/**
 * The journal event names of DESIGN.md §2 with their usual severity. The names are a contract: tests
 * and operators grep for them.
 */
public enum EventType {
    /**
     * A counted failed check. WARNING on the failures the journal must show (the first of a failure, those that
     * move the count up to the threshold, the one behind a heal or give-up, a new detail); the others of a long
     * failure carry DEBUG, so that the journal stays quiet while the metrics still count every one
     * (see {@link HealthStateMachine}).
     */
    CHECK_FAILED(Severity.WARNING),
    /**
     * A failure goes on and nothing was said of it for {@code still-failing-every}: one reminder, with since when,
     * the count and the current detail, instead of a line per check.
     */
    STILL_FAILING(Severity.WARNING),
    RECOVERED(Severity.NOTICE),
    HEAL_STARTED(Severity.WARNING),
    /** NOTICE when the action succeeded; the event carries ERR when it failed. */
    HEAL_FINISHED(Severity.NOTICE),
    /**
     * A compose project restart that an earlier medic was cut off in was finished ({@code up -d}); ERR when
     * that failed. Host-wide: no target.
     */
    HEAL_RESUMED(Severity.NOTICE),
    ESCALATED(Severity.WARNING),
    GAVE_UP(Severity.ERR),
    HEALTH_DISAGREEMENT(Severity.WARNING),
    OPERATOR_STOPPED(Severity.NOTICE),
    /**
     * The kernel killed a process of the target's container for memory (Docker's {@code oom} event), said when
     * it happens: Docker's OOMKilled flag outlives the death, so the running container is not judged by it.
     */
    OOM_KILLED(Severity.WARNING),
    BLOCKED(Severity.WARNING),
    PAUSED(Severity.NOTICE),
    RESUMED(Severity.NOTICE),
    HOST_STORM(Severity.ERR),
    DOCKER_UNREACHABLE(Severity.ERR),
    DOCKER_REACHABLE(Severity.NOTICE),
    CONFIG_LOADED(Severity.INFO),
    CONFIG_REJECTED(Severity.ERR),
    STARTED(Severity.INFO),
    STOPPING(Severity.INFO),
    /** What medic saw just before a heal or give-up (see {@link Evidence}); written right before it. */
    EVIDENCE(Severity.WARNING),
    /**
     * Docker's own restart policy restarted the target's container {@code restart-loop.count} times within
     * {@code restart-loop.per} (see {@link RestartLoopDetector}); opens an incident. medic takes no action for it.
     */
    RESTART_LOOP(Severity.WARNING),
    /** Docker has not restarted the container for a whole {@code restart-loop.per}: resolves the loop's incident. */
    RESTART_LOOP_ENDED(Severity.NOTICE);

    private final Severity severity;

    EventType(Severity severity) {
        this.severity = severity;
    }

    public Severity defaultSeverity() {
        return severity;
    }

    /** The journal name, e.g. {@code heal_started}. */
    public String eventName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
