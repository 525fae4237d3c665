package dev.medic.engine;

import dev.medic.config.ContainerTarget;
import dev.medic.config.ServiceTarget;
import dev.medic.config.TargetSpec;
import dev.medic.core.ActionOutcome;
import dev.medic.core.Conditions;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.core.Decision;
import dev.medic.core.Evidence;
import dev.medic.core.Explainer;
import dev.medic.core.HealingAction;
import dev.medic.core.HealingActionKind;
import dev.medic.core.HealthStateMachine;
import dev.medic.core.TargetState;
import dev.medic.docker.ComposeProject;
import dev.medic.docker.ContainerEvent;
import dev.medic.docker.ContainerInfo;
import dev.medic.event.EventPublisher;
import dev.medic.heal.Healer;
import dev.medic.probe.TargetChecker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one target: checks it on its own schedule (interval when healthy, retry-interval otherwise,
 * as the state machine says), feeds the result to the {@link HealthStateMachine}, runs the action it
 * asks for, and publishes the events. At most one tick of a worker runs at a time; ticks of different
 * workers run in parallel on a shared pool, so a hung probe delays only its own target. A tick that
 * throws is logged and the schedule goes on.
 *
 * <p>Thread-safe: {@link #tick()} is serialised on the worker; the schedule is guarded by its own lock;
 * status is published through a volatile snapshot.
 */
public final class TargetWorker {
    private static final Logger LOG = LoggerFactory.getLogger(TargetWorker.class);

    private final TargetSpec spec;
    private final HealthStateMachine machine;
    private final TargetChecker checker;
    private final Healer healer;
    private final EventPublisher events;
    private final Clock clock;
    private final Context context;

    private final Object tickLock = new Object();
    /** Written only under tickLock; volatile so the state file and status can read it without the lock. */
    private volatile TargetState state;
    private volatile TargetStatus.LastCheck lastCheck;
    private volatile TargetStatus.LastAction lastAction;
    private volatile TargetStatus status;
    private volatile Optional<ContainerInfo> lastContainer = Optional.empty();
    private volatile Instant restartedElsewhereAt;
    private volatile Instant tickStartedAt;
    /** The last few checks, newest last, for {@code medic explain}. */
    private final java.util.Deque<Explainer.CheckRecord> recentChecks = new java.util.ArrayDeque<>();
    private volatile Instant nextCheckAt;
    static final int RECENT_CHECKS = 5;

    private final Object scheduleLock = new Object();
    private ScheduledExecutorService scheduler;
    private ExecutorService pool;
    private ScheduledFuture<?> pending;
    private boolean running;
    private boolean rerun;
    private boolean stopped;

    /** What a worker needs from the engine: the rest of the host's say in its healing. Thread-safe. */
    interface Context {
        /** A depends-on target of {@code worker} that is not HEALTHY, if any. */
        Optional<String> unhealthyDependency(TargetWorker worker);

        /** Decides through the host budget (see {@link HostBudget#gate}). */
        Decision gate(Instant now, Function<Boolean, Decision> decide);

        /** Whether actions are only logged ("would ..."), not run. */
        boolean dryRun();

        /** This worker's state changed: persist it. */
        void stateChanged(TargetWorker worker);

        /** This worker's action restarted a whole compose project, so its other targets can wait. */
        void projectRestarted(String project, TargetWorker by);

        /** What medic sees of the target's container and the host now, before it acts. */
        Evidence evidence(String checkDetail, Optional<ContainerInfo> container);
    }

    /** The label that pauses a container's target for as long as the container carries it. */
    public static final String PAUSE_LABEL = "medic.pause";
    static final String COMPOSE_DEPENDS_ON_LABEL = "com.docker.compose.depends_on";

    public TargetWorker(TargetSpec spec, TargetChecker checker, Healer healer, EventPublisher events, Clock clock,
                        Context context, Optional<TargetState> restored) {
        this.spec = spec;
        this.machine = new HealthStateMachine(spec.name(), spec.policy());
        this.checker = checker;
        this.healer = healer;
        this.events = events;
        this.clock = clock;
        this.context = context;
        this.state = restored.map(saved -> machine.restored(saved, clock.instant()))
                .orElseGet(() -> TargetState.initial(clock.instant(), spec.policy()));
        publishStatus();
    }

    /** The state as of the last check or action (for the state file). */
    public TargetState state() {
        return state;
    }

    /** The labels of the container last seen; empty before the first sighting. */
    Map<String, String> lastLabels() {
        return lastContainer.map(ContainerInfo::labels).orElse(Map.of());
    }

    /** The compose service of the container last seen (or configured). */
    Optional<String> serviceName() {
        if (spec instanceof ServiceTarget s) {
            return Optional.of(s.service());
        }
        return lastContainer.map(c -> c.labels().get(ComposeProject.SERVICE_LABEL));
    }

    /** The services named by compose v2's depends_on label on the container last seen ("db:service_started:false,..."). */
    List<String> composeDependsOn() {
        String label = lastContainer.map(c -> c.labels().get(COMPOSE_DEPENDS_ON_LABEL)).orElse("");
        List<String> services = new ArrayList<>();
        for (String entry : label.split(",")) {
            String service = entry.split(":", 2)[0].strip();
            if (!service.isEmpty()) {
                services.add(service);
            }
        }
        return services;
    }

    public TargetSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    public TargetStatus status() {
        return status;
    }

    /** The compose project of the container last seen, if any. */
    public Optional<String> project() {
        if (spec instanceof ServiceTarget s) {
            return Optional.of(s.composeProject());
        }
        return lastContainer.map(c -> c.labels().get(ComposeProject.PROJECT_LABEL));
    }

    /**
     * Runs one check now, on the calling thread, and any action it leads to.
     *
     * @return how long to wait before the next check
     */
    public Duration tick() {
        synchronized (tickLock) {
            tickStartedAt = clock.instant();
            try {
                return checkAndHeal();
            } finally {
                tickStartedAt = null;
            }
        }
    }

    /** When the check now running started; empty between checks. */
    Optional<Instant> busySince() {
        return Optional.ofNullable(tickStartedAt);
    }

    private Duration checkAndHeal() {
        Instant elsewhere = restartedElsewhereAt;
        if (elsewhere != null) {
            restartedElsewhereAt = null;
            apply(machine.onRestartedElsewhere(state, elsewhere));
        }
        Optional<String> project = project();
        if (project.isPresent() && healer.isProjectBusy(project.get())) {
            // Its project is being restarted by another target's action: what we would see now is that restart.
            return spec.policy().retryInterval();
        }
        TargetChecker.Check check = checker.check(spec);
        if (check.container().isPresent()) {
            lastContainer = check.container();
        }
        Instant now = clock.instant();
        lastCheck = new TargetStatus.LastCheck(now, check.result().verdict().name(), check.result().detail());
        synchronized (recentChecks) {
            recentChecks.addLast(new Explainer.CheckRecord(now, check.result().verdict(), check.result().detail()));
            while (recentChecks.size() > RECENT_CHECKS) {
                recentChecks.removeFirst();
            }
        }
        followPauseLabel(check.container(), now);
        Optional<String> dependency = context.unhealthyDependency(this);
        TargetState before = state;
        Decision decision = context.gate(now, suspended -> machine.onCheck(before, check.result(), now,
                new Conditions(dependency, suspended)));
        if (decision.action().isPresent() || decision.events().stream().anyMatch(e -> e.type() == EventType.GAVE_UP)) {
            decision = withEvidence(decision, context.evidence(check.result().detail(), check.container()));
        }
        Duration next = apply(decision);
        if (decision.action().isPresent()) {
            next = heal(decision.action().get(), check.container());
        }
        return next;
    }

    /**
     * The decision with {@code evidence} attached to the events that open or escalate an incident, each
     * preceded by an {@code evidence} journal line (bounded) saying what medic saw.
     */
    private Decision withEvidence(Decision decision, Evidence evidence) {
        List<MedicEvent> events = new ArrayList<>();
        for (MedicEvent e : decision.events()) {
            if (e.type() == EventType.HEAL_STARTED || e.type() == EventType.GAVE_UP) {
                events.add(EvidenceLine.of(spec.name(), evidence));
                events.add(e.withEvidence(evidence));
            } else {
                events.add(e);
            }
        }
        return new Decision(decision.next(), decision.action(), events, decision.nextCheckIn());
    }

    /** A container labelled medic.pause=true pauses its target for as long as it carries the label. */
    private void followPauseLabel(Optional<ContainerInfo> container, Instant now) {
        if (container.isEmpty()) {
            return;
        }
        boolean labelled = "true".equalsIgnoreCase(container.get().labels().get(PAUSE_LABEL));
        if (labelled && state.pausedUntil() == null) {
            apply(machine.onPause(state, TargetState.PAUSED_FOREVER, "label", now));
        } else if (!labelled && "label".equals(state.pauseReason())) {
            apply(machine.onResume(state, "the container no longer carries " + PAUSE_LABEL + "=true", now));
        }
    }

    /** Where the target is, why, and what medic does next, in words (see {@link Explainer}). */
    public List<String> explain(dev.medic.core.ActionBudget hostBudget, int hostActionsLeft) {
        List<Explainer.CheckRecord> checks;
        synchronized (recentChecks) {
            checks = List.copyOf(recentChecks);
        }
        Instant now = clock.instant();
        Instant next = nextCheckAt;
        return Explainer.explain(new Explainer.Input(spec.name(), state, spec.policy(), checks,
                Optional.ofNullable(next).filter(n -> tickStartedAt == null), hostBudget, hostActionsLeft,
                context.dryRun(), now));
    }

    /** Maintenance until {@code until} ({@link TargetState#PAUSED_FOREVER} until resumed), asked by an operator. */
    public void pause(Instant until) {
        decideBetweenChecks(now -> machine.onPause(state, until, "api", now));
        checkNow();
    }

    /** Ends a pause early; a target that is not paused is left as it is. */
    public void resume() {
        decideBetweenChecks(now -> machine.onResume(state, "resumed by the operator", now));
        checkNow();
    }

    /** The stop taken for an operator's came from dockerd shutting down: watch the container again. */
    void stopWasTheDaemon() {
        decideBetweenChecks(now -> machine.onStopWasTheDaemon(state, now));
    }

    /** Applies a decision taken outside a check (pause, resume, a stop), never in the middle of one. */
    private void decideBetweenChecks(Function<Instant, Decision> decide) {
        synchronized (tickLock) {
            apply(decide.apply(clock.instant()));
        }
    }

    /** An operator stopped or removed the container through Docker (not medic). */
    void operatorStopped(String how) {
        decideBetweenChecks(now -> machine.onOperatorStopped(state, how, now));
    }

    private Duration heal(HealingAction action, Optional<ContainerInfo> container) {
        Optional<String> project = project();
        ActionOutcome outcome = context.dryRun()
                ? new ActionOutcome(true, "dry-run: would have run " + action.kind().configName()
                        + "; nothing was changed", Duration.ZERO)
                : healer.execute(action, spec, container);
        Instant finished = clock.instant();
        lastAction = new TargetStatus.LastAction(finished, action.kind().configName(), outcome.outcomeName(),
                outcome.detail());
        Duration next = apply(machine.onActionFinished(state, action, outcome, finished));
        if (action.kind() == HealingActionKind.RESTART_PROJECT && outcome.ok() && project.isPresent()
                && !context.dryRun()) {
            context.projectRestarted(project.get(), this);
        }
        return next;
    }

    private Duration apply(Decision decision) {
        boolean changed = !decision.next().equals(state);
        state = decision.next();
        events.publishAll(context.dryRun() ? decision.events().stream().map(TargetWorker::asDryRun).toList()
                : decision.events());
        publishStatus();
        if (changed) {
            context.stateChanged(this);
        }
        return decision.nextCheckIn();
    }

    /** In dry-run, an action is said as what medic would do. */
    private static MedicEvent asDryRun(MedicEvent e) {
        if (e.type() != EventType.HEAL_STARTED && e.type() != EventType.HEAL_FINISHED) {
            return e;
        }
        Map<String, String> fields = new LinkedHashMap<>(e.fields());
        fields.put("dry_run", "true");
        String message = e.type() == EventType.HEAL_STARTED
                ? "would " + e.fields().get("action") + " (dry-run, nothing is changed): " + e.message()
                : e.message();
        return new MedicEvent(e.type(), e.severity(), e.target(), fields, message, e.at(), e.evidence());
    }

    private void publishStatus() {
        TargetState s = state;
        status = new TargetStatus(spec.name(), s.phase(), s.failures(), s.step(), s.attempt(), s.actions(),
                lastCheck, lastAction, reasonOf(s), untilOf(s));
    }

    /** Why the target is where it is, for the phases an operator asks about. */
    private static String reasonOf(TargetState s) {
        return switch (s.phase()) {
            case PAUSED -> "paused by " + s.pauseReason();
            case STOPPED -> "stopped by an operator through Docker";
            case BLOCKED -> "waiting for " + s.blockedBy() + ", which is not healthy";
            case GAVE_UP -> "ladder or max-actions exhausted";
            default -> null;
        };
    }

    private static Instant untilOf(TargetState s) {
        return switch (s.phase()) {
            case PAUSED -> TargetState.PAUSED_FOREVER.equals(s.pausedUntil()) ? null : s.pausedUntil();
            case GAVE_UP, STARTING -> s.deadline();
            default -> null;
        };
    }

    /** Marks that another target's project restart restarted this target's container at {@code at}. */
    void restartedElsewhere(Instant at) {
        restartedElsewhereAt = at;
        checkNow();
    }

    /** Whether a Docker event concerns this target's container. */
    boolean concerns(ContainerEvent event) {
        Optional<ContainerInfo> seen = lastContainer;
        if (seen.isPresent() && seen.get().id().equals(event.containerId())) {
            return true;
        }
        if (spec instanceof ContainerTarget c) {
            return c.container().equals(event.containerName()) || event.containerId().startsWith(c.container());
        }
        if (spec instanceof ServiceTarget s) {
            return s.composeProject().equals(event.attributes().get(ComposeProject.PROJECT_LABEL))
                    && s.service().equals(event.attributes().get(ComposeProject.SERVICE_LABEL));
        }
        return false;
    }

    // ---- scheduling -------------------------------------------------------------------------------

    /** Starts the schedule: the first check after {@code initialDelay}. */
    void start(ScheduledExecutorService scheduler, ExecutorService pool, Duration initialDelay) {
        synchronized (scheduleLock) {
            this.scheduler = scheduler;
            this.pool = pool;
            schedule(initialDelay);
        }
    }

    /** Checks as soon as possible; if a tick is running, once more right after it. */
    public void checkNow() {
        synchronized (scheduleLock) {
            if (scheduler != null) {
                schedule(Duration.ZERO);
            }
        }
    }

    void stop() {
        synchronized (scheduleLock) {
            stopped = true;
            if (pending != null) {
                pending.cancel(false);
            }
        }
    }

    private void schedule(Duration delay) {
        synchronized (scheduleLock) {
            if (stopped) {
                return;
            }
            if (pending != null) {
                pending.cancel(false);
            }
            pending = scheduler.schedule(this::dispatch, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
            nextCheckAt = clock.instant().plus(delay.isNegative() ? Duration.ZERO : delay);
        }
    }

    private void dispatch() {
        synchronized (scheduleLock) {
            if (stopped) {
                return;
            }
            if (running) {
                rerun = true;
                return;
            }
            running = true;
        }
        try {
            pool.execute(this::runTick);
        } catch (RuntimeException e) {
            synchronized (scheduleLock) {
                running = false;
            }
            LOG.warn("could not run a check of {}: {}", spec.name(), e.toString());
        }
    }

    private void runTick() {
        Duration next = spec.policy().retryInterval();
        try {
            next = tick();
        } catch (RuntimeException | Error e) {
            LOG.error("check of target {} failed inside medic; retrying in {}", spec.name(), next, e);
        } finally {
            synchronized (scheduleLock) {
                running = false;
                if (rerun) {
                    rerun = false;
                    schedule(Duration.ZERO);
                } else {
                    schedule(next);
                }
            }
        }
    }
}
