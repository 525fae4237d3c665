package dev.medic.engine;

import dev.medic.config.ContainerTarget;
import dev.medic.config.ServiceTarget;
import dev.medic.config.TargetSpec;
import dev.medic.core.ActionOutcome;
import dev.medic.core.CheckResult;
import dev.medic.core.Conditions;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.core.Decision;
import dev.medic.core.Evidence;
import dev.medic.core.Explainer;
import dev.medic.core.HealingAction;
import dev.medic.core.HealingActionKind;
import dev.medic.core.HealthStateMachine;
import dev.medic.core.RestartLoopDetector;
import dev.medic.core.RestartLoopPolicy;
import dev.medic.core.TargetState;
import dev.medic.core.Verdict;
import dev.medic.docker.ComposeProject;
import dev.medic.docker.ContainerEvent;
import dev.medic.docker.ContainerInfo;
import dev.medic.event.EventPublisher;
import dev.medic.heal.Healer;
import dev.medic.probe.TargetChecker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one target: checks it on its own schedule (interval when healthy, retry-interval otherwise,
 * as the state machine says), feeds the result to the {@link HealthStateMachine}, runs the action it
 * asks for, and publishes the events. At most one tick of a worker runs at a time; ticks of different
 * workers run in parallel on a shared pool, so a hung probe delays only its own target. A tick that
 * throws is logged and the schedule goes on.
 *
 * <p>Probes and actions run without the state lock: an operator's pause, resume or stop (and a reload)
 * changes the state at once, even while a probe hangs, and the decision to act is taken against the
 * state as it is when the check has ended, then looked at once more right before the action runs. A
 * stop or pause seen then cancels the action; a check that started before an operator's stop cannot
 * take the target out of STOPPED. A worker replaced by a reload ({@link #handOver}) never acts again;
 * an action it already runs finishes and its outcome goes to its successor.
 *
 * <p>Each check of a container also hands Docker's RestartCount to a {@link RestartLoopDetector} (with the
 * target's {@code restart-loop} as the configuration says now): a restart by Docker's own policy since the last
 * check gives the container its start-period, like a restart another target's action made, and a loop of them
 * is told as {@code restart_loop} with its evidence, never healed. Its state lives in the {@link TargetState}
 * so that it is persisted and carried over a reload with the rest.
 *
 * <p>Thread-safe: ticks are serialised on {@code tickLock}; every state change happens under
 * {@code stateLock}, which is held only to decide (never across I/O); the schedule is a {@link TickSchedule}
 * with its own lock, taken after {@code stateLock} and never the other way round; status is published
 * through a volatile snapshot.
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
    private final Object stateLock = new Object();
    /** Written only under stateLock; volatile so the state file and status can read it without the lock. */
    private volatile TargetState state;
    private volatile TargetStatus.LastCheck lastCheck;
    private volatile TargetStatus.LastAction lastAction;
    private volatile TargetStatus status;
    private volatile Optional<ContainerInfo> lastContainer = Optional.empty();
    /** When another target's project restart renewed this target's container, until the next tick takes it. */
    private final java.util.concurrent.atomic.AtomicReference<Instant> restartedElsewhereAt =
            new java.util.concurrent.atomic.AtomicReference<>();
    /** When Docker last said the container died or was removed (die, oom, stop, destroy). Under stateLock. */
    private Instant lastDeathEventAt;
    /** When Docker was last asked to stop the container (a kill with SIGTERM, ...), until it died. Under stateLock. */
    private Instant stopRequestedAt;
    /**
     * When the container last died after Docker was asked to stop it: a docker stop or compose stop/down, whose
     * stop or destroy event comes a moment after the die. Until that moment has passed (the down grace) the death
     * is not healed at once, even under restart policy "no". Under stateLock.
     */
    private Instant askedDeathAt;
    /** How long a container asked to stop may take before medic judges it again: Docker's own stop waits are 10 s. */
    static final Duration STOPPING_AT_MOST = Duration.ofMinutes(2);
    /**
     * The worker that carries this target on once a reload retired this one (set under stateLock); from then
     * on this one decides and acts no more.
     */
    private volatile TargetWorker replacement;
    private volatile Instant tickStartedAt;
    /** The last few checks, newest last, for {@code medic explain}. */
    private final java.util.Deque<Explainer.CheckRecord> recentChecks = new java.util.ArrayDeque<>();
    static final int RECENT_CHECKS = 5;

    private final TickSchedule schedule;

    /** What a worker needs from the engine: the rest of the host's say in its healing. Thread-safe. */
    interface Context {
        /** A depends-on target of {@code worker} that is not HEALTHY, if any. */
        Optional<String> unhealthyDependency(TargetWorker worker);

        /**
         * A depends-on target of {@code worker} that shows healthy but has not been checked since {@code since}
         * (asked to check now), if any; none by default.
         */
        default Optional<String> unverifiedDependency(TargetWorker worker, Instant since) {
            return Optional.empty();
        }

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

        /**
         * An instant of the worker's clock as the wall clock says it, for what is shown (status, events). The
         * worker's clock is monotonic in medic (see {@link MonotonicClock}); the identity when it is the wall clock.
         */
        default Instant shown(Instant at) {
            return at;
        }

        /** An action booked at {@code bookedAt} (through {@link #gate}) was called off before it ran. */
        default void actionCancelled(Instant bookedAt) {
        }

        /** What makes a restart loop of {@code target} now (the configuration may have been reloaded). */
        default RestartLoopPolicy restartLoop(String target) {
            return RestartLoopPolicy.DEFAULT;
        }
    }

    /** The label that pauses a container's target for as long as the container carries it. */
    public static final String PAUSE_LABEL = "medic.pause";
    static final String COMPOSE_DEPENDS_ON_LABEL = "com.docker.compose.depends_on";

    /** A worker for {@code spec}, going on from the state the state file kept for it, if any. */
    public TargetWorker(TargetSpec spec, TargetChecker checker, Healer healer, EventPublisher events, Clock clock,
                        Context context, Optional<TargetState> restored) {
        this(spec, checker, healer, events, clock, context, (machine, now) -> restored
                .map(saved -> machine.restored(saved, now))
                .orElseGet(() -> TargetState.initial(now, spec.policy())), Optional.empty());
    }

    /** A worker whose first state {@code initial} makes from its state machine and the time now. */
    private TargetWorker(TargetSpec spec, TargetChecker checker, Healer healer, EventPublisher events, Clock clock,
                         Context context, java.util.function.BiFunction<HealthStateMachine, Instant, TargetState> initial,
                         Optional<ContainerInfo> lastContainer) {
        this.spec = spec;
        this.machine = new HealthStateMachine(spec.name(), spec.policy());
        this.checker = checker;
        this.healer = healer;
        this.events = events;
        this.clock = clock;
        this.context = context;
        this.state = initial.apply(machine, clock.instant());
        this.lastContainer = lastContainer;
        this.schedule = new TickSchedule(spec.name(), spec.policy().retryInterval(), clock, this::tick);
        publishStatus();
    }

    /**
     * Retires this worker for a reload and returns the worker for {@code next} that carries its state on.
     * From here on this worker decides nothing; a check of it in flight is dropped; an action it runs now
     * finishes and the successor applies its outcome (the successor stays HEALING until then, so the two
     * never act for one target). The caller starts the successor.
     */
    TargetWorker handOver(TargetSpec next) {
        synchronized (stateLock) {
            stop();
            TargetState carried = state;
            // Carried on as it is (a reload), not as restored after a restart: an action in flight stays HEALING.
            TargetWorker w = new TargetWorker(next, checker, healer, events, clock, context,
                    (machine, now) -> machine.carriedOver(carried, now), lastContainer);
            // What the operator does through this (retired) worker from here on is the new one's to apply, and so
            // is the outcome of an action it is running now (it can decide none after this).
            replacement = w;
            w.lastDeathEventAt = lastDeathEventAt;
            w.stopRequestedAt = stopRequestedAt;
            w.askedDeathAt = askedDeathAt;
            return w;
        }
    }

    /** The state as of the last check or action (for the state file). */
    public TargetState state() {
        return state;
    }

    /** The full id of the container last seen; empty before the first sighting. */
    String lastContainerId() {
        return lastContainer.map(ContainerInfo::id).orElse("");
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
        if (restartedElsewhereAt.getAndSet(null) != null) {
            decide(now -> machine.onRestartedElsewhere(state, now));
        }
        Optional<String> project = project();
        if (project.isPresent() && healer.isProjectBusy(project.get())) {
            // Its project is being restarted by another target's action: what we would see now is that restart.
            return spec.policy().retryInterval();
        }
        Instant checkStarted = clock.instant();
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
        followPauseLabel(check.container());
        Optional<String> dependency = context.unhealthyDependency(this);
        Optional<String> unverified = Optional.empty();
        if (dependency.isEmpty() && check.result().verdict() == Verdict.FAIL && !check.result().containerDown()) {
            // Failing since this run began (or since this check, the first of it): a dependency not looked at
            // since then may be the cause, found only at its own next interval. Not for a dead container: it is
            // dead whatever its dependencies say, and its restart is the crash MTTR.
            Instant since;
            synchronized (stateLock) {
                since = state.failureRun().active() ? state.failureRun().since() : checkStarted;
            }
            unverified = context.unverifiedDependency(this, since);
        }
        Decision decision;
        boolean changed;
        synchronized (stateLock) {
            if (replacement != null) {
                return spec.policy().retryInterval();
            }
            TargetState before = state;
            Instant stoppedAt = before.stoppedAt();
            if (stoppedAt != null && !stoppedAt.isBefore(checkStarted)) {
                // The operator stopped it while this check ran: what the check saw is from before the stop.
                return machine.nextCheckIn(before, now);
            }
            if (beingStopped(now)) {
                // Being stopped (docker stop waits out the container's grace): its die and stop events decide.
                return spec.policy().retryInterval();
            }
            TargetState counted = before;
            List<MedicEvent> loopEvents = List.of();
            boolean dockerAnswered = check.container().isPresent() || check.result().verdict() != Verdict.UNKNOWN;
            if (spec.hasContainer() && dockerAnswered) {
                RestartLoopDetector.Result loop = loopDetector().onSighting(before.restartLoop(),
                        check.container().map(TargetWorker::sighting), now);
                counted = before.withRestartLoop(loop.next());
                loopEvents = loop.events();
                if (loop.restartsByDocker() > 0) {
                    // Docker's own restart policy restarted the container since the last check: what fails now is
                    // that start, which gets the start-period like any restart this target's ladder did not make.
                    counted = machine.onRestartedElsewhere(counted, now).next();
                }
            }
            TargetState from = counted;
            CheckResult result = check.result();
            if (result.downForGood() && askedDeathAt != null
                    && now.isBefore(askedDeathAt.plus(HealthStateMachine.CONTAINER_DOWN_GRACE))) {
                // Stopped on request a moment ago: the operator's stop event is on its way; wait for it.
                result = result.withGrace();
            }
            CheckResult judged = result;
            Optional<String> unchecked = unverified;
            decision = context.gate(now, suspended -> machine.onCheck(from, judged, now,
                    new Conditions(dependency, suspended, unchecked)));
            if (!loopEvents.isEmpty()) {
                List<MedicEvent> all = new ArrayList<>(loopEvents);
                all.addAll(decision.events());
                decision = new Decision(decision.next(), decision.action(), all, decision.nextCheckIn());
            }
            changed = !decision.next().equals(before);
            state = decision.next();
        }
        Duration next = spec.policy().retryInterval();
        try {
            boolean healOrGiveUp = decision.action().isPresent()
                    || decision.events().stream().anyMatch(e -> e.type() == EventType.GAVE_UP);
            Optional<MedicEvent> loopFound = decision.events().stream()
                    .filter(e -> e.type() == EventType.RESTART_LOOP).findFirst();
            if (healOrGiveUp || loopFound.isPresent()) {
                String detail = healOrGiveUp ? check.result().detail() : loopFound.get().message();
                decision = withEvidence(decision, context.evidence(detail, check.container()));
            }
            next = untilTheLoopCanEnd(announce(decision, changed), now);
        } catch (RuntimeException e) {
            // The target is HEALING now: whatever failed in telling about it, the action must run and end it.
            LOG.error("publishing the decision for {} failed inside medic", spec.name(), e);
        }
        if (decision.action().isPresent()) {
            next = heal(decision.action().get(), checkStarted, now);
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
            } else if (e.type() == EventType.RESTART_LOOP) {
                Evidence loop = withLoopFacts(evidence, e);
                events.add(EvidenceLine.of(spec.name(), loop));
                events.add(e.withEvidence(loop));
            } else {
                events.add(e);
            }
        }
        return new Decision(decision.next(), decision.action(), events, decision.nextCheckIn());
    }

    /** The evidence with the loop's own figures among Docker's facts, so that a notification carries them too. */
    private static Evidence withLoopFacts(Evidence evidence, MedicEvent loop) {
        Map<String, String> facts = new LinkedHashMap<>(evidence.container());
        facts.put("restart_loop_count", loop.fields().getOrDefault("count", ""));
        facts.put("restart_loop_window", loop.fields().getOrDefault("window", ""));
        facts.put("last_exit_codes", loop.fields().getOrDefault("exit_codes", ""));
        return new Evidence(evidence.at(), evidence.check(), facts, evidence.healthLog(), evidence.logTail(),
                evidence.host());
    }

    /** The restart-loop detector with the target's settings as they are now. */
    private RestartLoopDetector loopDetector() {
        return new RestartLoopDetector(spec.name(), context.restartLoop(spec.name()));
    }

    private static RestartLoopDetector.Sighting sighting(ContainerInfo c) {
        return new RestartLoopDetector.Sighting(c.id(), c.name(), c.restartCount(), c.running() && !c.restarting(),
                c.exitCode(), c.restartPolicy().toString());
    }

    /**
     * {@code next}, or sooner when an open restart loop can end before then: a healthy target is looked at only
     * every interval (up to a day), and the loop's end should be told when it comes.
     */
    private Duration untilTheLoopCanEnd(Duration next, Instant now) {
        Optional<Instant> end = loopDetector().canEndAt(state.restartLoop(), now);
        if (end.isEmpty()) {
            return next;
        }
        Duration until = Duration.between(now, end.get());
        Duration atLeast = Duration.ofSeconds(1);
        until = until.compareTo(atLeast) < 0 ? atLeast : until;
        return until.compareTo(next) < 0 ? until : next;
    }

    /** A container labelled medic.pause=true pauses its target for as long as it carries the label. */
    private void followPauseLabel(Optional<ContainerInfo> container) {
        if (container.isEmpty()) {
            return;
        }
        boolean labelled = "true".equalsIgnoreCase(container.get().labels().get(PAUSE_LABEL));
        decide(now -> {
            if (labelled && state.pausedUntil() == null) {
                return machine.onPause(state, TargetState.PAUSED_FOREVER, "label", now);
            }
            if (!labelled && "label".equals(state.pauseReason())) {
                return machine.onResume(state, "the container no longer carries " + PAUSE_LABEL + "=true", now);
            }
            return null;
        });
    }

    /** Where the target is, why, and what medic does next, in words (see {@link Explainer}). */
    public List<String> explain(dev.medic.core.ActionBudget hostBudget, int hostActionsLeft) {
        List<Explainer.CheckRecord> checks;
        synchronized (recentChecks) {
            checks = List.copyOf(recentChecks);
        }
        Instant now = clock.instant();
        Optional<Instant> next = schedule.nextCheckAt();
        return Explainer.explain(new Explainer.Input(spec.name(), state, spec.policy(), checks,
                next.filter(n -> tickStartedAt == null), hostBudget, hostActionsLeft,
                context.dryRun(), now));
    }

    /** Maintenance until {@code until} ({@link TargetState#PAUSED_FOREVER} until resumed), asked by an operator. */
    public void pause(Instant until) {
        if (decide(now -> machine.onPause(state, until, "api", now))) {
            checkNow();
        } else {
            replacement.pause(until);
        }
    }

    /** Maintenance for {@code length} from now (on the worker's clock), asked by an operator. */
    public void pauseFor(Duration length) {
        if (decide(now -> machine.onPause(state, now.plus(length), "api", now))) {
            checkNow();
        } else {
            replacement.pauseFor(length);
        }
    }

    /** Ends a pause early; a target that is not paused is left as it is. */
    public void resume() {
        if (decide(now -> machine.onResume(state, "resumed by the operator", now))) {
            checkNow();
        } else {
            replacement.resume();
        }
    }

    /** The stop taken for an operator's came from dockerd shutting down: watch the container again. */
    void stopWasTheDaemon() {
        if (!decide(now -> machine.onStopWasTheDaemon(state, now))) {
            replacement.stopWasTheDaemon();
        }
    }

    /**
     * An operator stopped or removed the container through Docker (not medic). Quick (the state lock only), so
     * the event stream applies it at once rather than behind checks queued on the pool.
     */
    void operatorStopped(String how) {
        if (!decide(now -> machine.onOperatorStopped(state, how, now))) {
            replacement.operatorStopped(how);
        }
    }

    /**
     * Docker said the container died or was removed ({@code die}, {@code oom}, {@code stop}, {@code destroy}):
     * a heal decided by a check that was running meanwhile is called off.
     */
    void containerWentDown() {
        TargetWorker r;
        synchronized (stateLock) {
            Instant now = clock.instant();
            lastDeathEventAt = now;
            if (beingStopped(now)) {
                askedDeathAt = now;
            }
            stopRequestedAt = null;
            r = replacement;
        }
        if (r != null) {
            r.containerWentDown();
        }
    }

    /**
     * Docker said the container died with {@code exitCode} (its {@code die} event): kept as the evidence of a
     * restart loop. The restart itself is counted from Docker's RestartCount at the check the event causes.
     * Quick (the state lock only); not persisted, as exit codes are evidence, not state.
     */
    void containerDied(long exitCode) {
        TargetWorker r;
        synchronized (stateLock) {
            r = replacement;
            if (r == null) {
                state = state.withRestartLoop(loopDetector().onDeath(state.restartLoop(), exitCode));
            }
        }
        if (r != null) {
            r.containerDied(exitCode);
        }
    }

    /**
     * Docker sent the container a signal that stops it ({@code docker stop} sends SIGTERM, then waits up to its
     * stop timeout): until it has died, what its probes say is a container being stopped, and no heal is
     * decided on it. An operator's stop then arrives as the {@code stop} event; medic's own is part of its
     * action.
     */
    void containerBeingStopped() {
        TargetWorker r;
        synchronized (stateLock) {
            stopRequestedAt = clock.instant();
            r = replacement;
        }
        if (r != null) {
            r.containerBeingStopped();
        }
    }

    /** Whether Docker was asked to stop the container and it has not died yet (bounded); under stateLock. */
    private boolean beingStopped(Instant now) {
        return stopRequestedAt != null && now.isBefore(stopRequestedAt.plus(STOPPING_AT_MOST));
    }

    /**
     * Takes a decision on the state as it is now, under the state lock but never waiting for a check, and
     * publishes it; {@code decide} may return null for "nothing to change".
     *
     * @return false when a reload retired this worker: nothing was decided, and the caller hands the same
     *     request to {@link #replacement}, whose state it is now
     */
    private boolean decide(Function<Instant, Decision> decide) {
        Decision decision;
        boolean changed;
        synchronized (stateLock) {
            if (replacement != null) {
                return false;
            }
            decision = decide.apply(clock.instant());
            if (decision == null) {
                return true;
            }
            changed = !decision.next().equals(state);
            state = decision.next();
        }
        announce(decision, changed);
        return true;
    }

    /**
     * Runs the action the state machine asked for, unless the operator stopped or paused the target (or a
     * reload retired this worker) since the decision; its outcome, whatever happens inside the healer, ends
     * the HEALING phase.
     */
    private Duration heal(HealingAction action, Instant checkStarted, Instant decidedAt) {
        String cancel;
        synchronized (stateLock) {
            Instant now = clock.instant();
            Instant died = lastDeathEventAt;
            cancel = replacement != null ? "a reload replaced the target's settings before it ran"
                    : beingStopped(now) ? "Docker was asked to stop the container before it ran"
                    : state.stoppedAt() != null ? "the operator stopped the container before it ran"
                    : state.pausedAt(now) ? "the target was paused before it ran"
                    : restartedElsewhereAt.get() != null ? "another target's project restart renewed the container"
                            + " while the check ran"
                    : died != null && !died.isBefore(checkStarted) ? "Docker said the container died or was stopped"
                            + " while the check ran; it is looked at again (an operator's stop is left alone)"
                    : null;
        }
        Optional<String> project = project();
        ActionOutcome outcome;
        if (cancel != null) {
            outcome = ActionOutcome.cancelled(cancel);
        } else if (context.dryRun()) {
            outcome = new ActionOutcome(true, "dry-run: would have run " + action.kind().configName()
                    + "; nothing was changed", Duration.ZERO);
        } else {
            outcome = runAction(action);
        }
        if (outcome.cancelled()) {
            context.actionCancelled(decidedAt);
        }
        Duration next = finishAction(action, outcome);
        if (action.kind() == HealingActionKind.RESTART_PROJECT && outcome.ok() && project.isPresent()
                && !context.dryRun()) {
            context.projectRestarted(project.get(), this);
        }
        return next;
    }

    /** The healer's run of {@code action}; a throw inside medic is a failed action, never a target left HEALING. */
    private ActionOutcome runAction(HealingAction action) {
        long start = System.nanoTime();
        try {
            return healer.execute(action, spec, lastContainer, new Healer.Progress() {
                @Override
                public void waiting() {
                    // Waiting for another target's action on the project is that action's time, not a wedge of ours.
                    tickStartedAt = null;
                }

                @Override
                public void acting() {
                    tickStartedAt = clock.instant();
                }
            });
        } catch (RuntimeException | Error e) {
            LOG.error("{} of target {} failed inside medic", action.kind().configName(), spec.name(), e);
            return new ActionOutcome(false, "medic failed inside the action: " + e,
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /**
     * Applies the outcome of this worker's action; when a reload handed the target over meanwhile, the
     * successor applies it instead, since the state is now its.
     */
    private Duration finishAction(HealingAction action, ActionOutcome outcome) {
        TargetWorker heir;
        Decision decision = null;
        synchronized (stateLock) {
            heir = replacement;
            if (heir == null) {
                Instant finished = clock.instant();
                lastAction = new TargetStatus.LastAction(finished, action.kind().configName(), outcome.outcomeName(),
                        outcome.detail());
                decision = machine.onActionFinished(state, action, outcome, finished);
                state = decision.next();
            }
        }
        if (heir != null) {
            Duration next = heir.finishAction(action, outcome);
            heir.checkNow();
            return next;
        }
        return announce(decision, true);
    }

    /**
     * Publishes a decision already applied to the state: its events and the status, and the state file when
     * the state {@code changed} (a healthy target's checks change nothing worth a write).
     */
    private Duration announce(Decision decision, boolean changed) {
        events.publishAll(decision.events().stream().map(this::shown)
                .map(e -> context.dryRun() ? asDryRun(e) : e).toList());
        publishStatus();
        if (changed) {
            context.stateChanged(this);
        }
        return decision.nextCheckIn();
    }

    /** An event as the wall clock tells its time and the instants among its fields ({@code until}, {@code since}). */
    private MedicEvent shown(MedicEvent e) {
        if (e.type() == EventType.EVIDENCE) {
            return e;  // told by the wall clock already, when the evidence was collected
        }
        Map<String, String> fields = e.fields();
        String message = e.message();
        for (String key : INSTANT_FIELDS) {
            String value = fields.get(key);
            if (value == null) {
                continue;
            }
            try {
                // To the second: nanoseconds of a deadline mean nothing to a reader of the journal.
                String shown = context.shown(Instant.parse(value)).truncatedTo(ChronoUnit.SECONDS).toString();
                fields = new LinkedHashMap<>(fields);
                fields.put(key, shown);
                message = message.replace(value, shown);
            } catch (java.time.format.DateTimeParseException notAnInstant) {
                // a field of that name that is not an instant is shown as it is
            }
        }
        return e.at(context.shown(e.at()), fields).withMessage(message);
    }

    /** The event fields that hold an instant of the worker's clock. */
    private static final List<String> INSTANT_FIELDS = List.of("until", "since");

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
        TargetStatus.LastCheck check = lastCheck;
        TargetStatus.LastAction action = lastAction;
        status = new TargetStatus(spec.name(), s.phase(), s.failures(), s.step(), s.attempt(), s.actions(),
                check == null ? null : new TargetStatus.LastCheck(context.shown(check.at()), check.result(),
                        check.detail()),
                action == null ? null : new TargetStatus.LastAction(context.shown(action.at()), action.action(),
                        action.outcome(), action.detail()),
                reasonOf(s), context.shown(untilOf(s)));
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
    void restartedElsewhere() {
        restartedElsewhereAt.set(clock.instant());
        checkNow();
    }

    /** Whether a Docker event concerns this target's container. */
    boolean concerns(ContainerEvent event) {
        Optional<ContainerInfo> seen = lastContainer;
        if (seen.isPresent() && seen.get().id().equals(event.containerId())) {
            return true;
        }
        if (spec instanceof ContainerTarget c) {
            // Exact name or id (or a long id prefix): "db" must not catch a container whose id starts with db.
            return c.matches(event.containerName(), event.containerId());
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
        schedule.start(scheduler, pool, initialDelay);
    }

    /** Checks as soon as possible; if a tick is queued or running, once more right after it. */
    public void checkNow() {
        schedule.checkNow();
    }

    /** When this target's last check ended (the worker's clock), or null before its first. */
    Instant lastCheckedAt() {
        TargetStatus.LastCheck c = lastCheck;
        return c == null ? null : c.at();
    }

    void stop() {
        schedule.stop();
    }
}
