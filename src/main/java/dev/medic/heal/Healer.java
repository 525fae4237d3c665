package dev.medic.heal;

import static dev.medic.heal.Outcomes.failed;
import static dev.medic.heal.Outcomes.ok;

import dev.medic.config.ContainerTarget;
import dev.medic.config.SystemdUnitTarget;
import dev.medic.core.HealingActionKind;
import dev.medic.systemd.SystemdUnits;
import dev.medic.config.ServiceTarget;
import dev.medic.config.TargetSpec;
import dev.medic.core.ActionOutcome;
import dev.medic.core.FieldText;
import dev.medic.core.HealingAction;
import dev.medic.docker.ComposeProject;
import dev.medic.docker.ComposeRunner;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerLocator;
import dev.medic.docker.ContainerRuntime;
import dev.medic.docker.DockerActionException;
import dev.medic.docker.DockerUnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Executes healing actions. {@code restart-container} restarts the target's current container through
 * the Docker API; {@code restart-project} takes down and brings back up, in the project's working
 * directory with its files and env files, only the services that were running (never {@code -v}, never
 * removing images): a service an operator stopped stays stopped; {@code recreate-service} runs
 * {@code compose up -d --no-deps --force-recreate SERVICE} there for the target's own service alone. At most
 * one action runs at a time per compose project (and per container outside a project); a second action waits
 * for the first, bounded, and is skipped when the first was a project restart that already renewed its
 * container. Never throws for an action that fails: the outcome says so.
 *
 * <p>Labels are claims, not orders. A project restart or service recreate whose project comes from a
 * container's labels (not from the target's {@code project} in config) runs only when those labels hold up to
 * {@link ProjectRestarter#check}; otherwise the action fails and its outcome says why. A container without
 * compose labels whose target sets no {@code project} has neither: those rungs fail saying so (a discovered
 * container's ladder leaves them out beforehand, see {@code LabelTarget}). Only a container compose made shares
 * its project's lock. {@code exec-host} never runs for a target discovered by its labels.
 *
 * <p>Docker events caused by an action are medic's own for the containers it acts on (one container for
 * a container restart, every container of the project for a project restart, the service's containers as they
 * were before a recreate) until the action has finished plus {@link #OWN_EVENT_GRACE}; other containers' events
 * stay the operator's.
 *
 * <p>The Healer dispatches each action to its kind, finds and checks the compose project of the compose rungs,
 * and holds the locks; a project restart's work and bookkeeping are the {@link ProjectRestarter}'s, a recreate's
 * the {@link ServiceRecreator}'s, the own-action windows the {@link OwnActions}'. Thread-safe.
 */
public final class Healer {

    /** What a caller learns while an action waits for another one on the same project or container. */
    public interface Progress {
        /** The action waits for another action to finish: not a wedge of its own. */
        void waiting();

        /** The action has its lock and runs now. */
        void acting();

        Progress NONE = new Progress() {
            @Override
            public void waiting() {
            }

            @Override
            public void acting() {
            }
        };
    }

    private final ContainerRuntime runtime;
    private final ContainerLocator locator;
    private final ComposeRunner compose;
    private final Duration stopTimeout;
    private final Duration lockWait;
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final OwnActions ownActions = new OwnActions();
    private final ProjectRestarter projects;
    private final ServiceRecreator services;
    /** How long after medic's own action its events may still arrive; see {@link OwnActions#GRACE} for why so short. */
    static final Duration OWN_EVENT_GRACE = OwnActions.GRACE;
    /** How often a restart that outlived its Docker call is looked at until the container runs again. */
    private static final Duration SETTLE_POLL = Duration.ofMillis(250);
    /** systemd's own default start and stop timeouts are 90 s each. */
    static final Duration UNIT_RESTART_TIMEOUT = Duration.ofMinutes(3);
    private final SystemdUnits units = new SystemdUnits();

    /**
     * @param stopTimeout how long a container gets to stop on restart
     * @param lockWait how long an action waits for another action on the same project
     */
    public Healer(ContainerRuntime runtime, ContainerLocator locator, ComposeRunner compose, Duration stopTimeout,
                  Duration lockWait) {
        this(runtime, locator, compose, stopTimeout, lockWait, ProjectRestartLog.none());
    }

    /** As above, noting every project restart in {@code restarts} so that one cut short by a crash is resumed. */
    public Healer(ContainerRuntime runtime, ContainerLocator locator, ComposeRunner compose, Duration stopTimeout,
                  Duration lockWait, ProjectRestartLog restarts) {
        this.projects = new ProjectRestarter(runtime, compose, ownActions, restarts);
        this.services = new ServiceRecreator(runtime, compose, ownActions);
        this.runtime = runtime;
        this.locator = locator;
        this.compose = compose;
        this.stopTimeout = stopTimeout;
        this.lockWait = lockWait;
    }

    /**
     * Whether a project restart (or the finishing of one an earlier medic was cut off in) is running now:
     * what a check of one of its containers would see is that restart. A container restart of one of its
     * services does not make the project busy.
     */
    public boolean isProjectBusy(String project) {
        return projects.isBusy(project);
    }

    /**
     * Whether medic took this project's services down and has not brought them back (its restart is running,
     * or its {@code up} failed, or medic died in between): its containers are missing because of medic, not
     * because they left.
     */
    public boolean tookDown(String project) {
        return projects.tookDown(project);
    }

    /**
     * Whether medic is recreating {@code service} of {@code project} now, or its last recreate failed and none
     * succeeded since: a container of the service that is missing, or that carries a name compose gave it for the
     * time of the recreate, is medic's doing.
     */
    public boolean tookDown(String project, String service) {
        return services.tookDown(project, service);
    }

    /**
     * Whether Docker events about this container come from medic's own action: a restart of this very
     * container, a recreate of its service (the containers it had then), or a restart of its whole project,
     * running now or finished within {@link #OWN_EVENT_GRACE} (events arrive after the action returns). An
     * action on another container of the same project does not make this one's events medic's.
     */
    public boolean isOwnAction(String containerId, Optional<String> project) {
        return ownActions.covers(containerId, project) || project.map(projects::isBusy).orElse(false);
    }

    /** Runs the action for {@code target}; see {@link #execute(HealingAction, TargetSpec, Optional, Progress)}. */
    public ActionOutcome execute(HealingAction action, TargetSpec target, Optional<ContainerInfo> lastSeen) {
        return execute(action, target, lastSeen, Progress.NONE);
    }

    /**
     * Runs the action for {@code target}.
     *
     * @param lastSeen the container the target's checks last saw, used when it cannot be found again (a
     *                 project whose {@code down} removed it)
     * @param progress told when the action waits for another one and when it runs
     */
    public ActionOutcome execute(HealingAction action, TargetSpec target, Optional<ContainerInfo> lastSeen,
                                 Progress progress) {
        long start = System.nanoTime();
        Optional<ContainerInfo> current;
        try {
            current = locator.locate(target).or(() -> lastSeen);
        } catch (DockerUnavailableException e) {
            return failed(ContainerLocator.isConflict(e) ? e.getMessage() : "Docker unreachable: " + e.getMessage(),
                    start);
        }
        boolean restart = action.kind() == HealingActionKind.RESTART_CONTAINER
                || action.kind().needsComposeProject();
        if (restart && lastSeen.filter(ContainerInfo::running).isPresent()
                && current.filter(c -> c.id().equals(lastSeen.get().id()) && !c.running()).isPresent()) {
            // It stopped between the check that found it failing and now: an operator's stop (whose event may
            // still be on its way) or a crash looks the same here. The next check sees it down and gives Docker's
            // events their grace; restarting now could undo the operator.
            return ActionOutcome.cancelled("container " + current.get().name() + " stopped after the check that"
                    + " found it failing; it is looked at again before anything is restarted");
        }
        return switch (action.kind()) {
            case RESTART_CONTAINER -> restartContainer(target, current, start, progress);
            case RESTART_PROJECT -> restartProject(target, current, lastSeen, start, progress);
            case RECREATE_SERVICE -> recreateService(target, current, lastSeen, start, progress);
            case RESTART_UNIT -> restartUnit(target, start, progress);
            case EXEC_HOST -> execHost(action, target, start, progress);
        };
    }

    private ActionOutcome restartContainer(TargetSpec target, Optional<ContainerInfo> current, long start,
                                           Progress progress) {
        if (current.isEmpty()) {
            return failed(ContainerLocator.describe(target) + " not found; nothing to restart", start);
        }
        ContainerInfo c = current.get();
        // Only a container compose made shares its project's lock: one that merely claims the project must be able
        // neither to hold up that project's actions nor to be skipped for its restart.
        Optional<String> project = Optional.ofNullable(c.labels().get(ComposeProject.PROJECT_LABEL))
                .filter(p -> ComposeProject.madeByCompose(c.labels()));
        String lockKey = project.map(p -> "project:" + p).orElse("container:" + c.id());
        return withLock(lockKey, start, progress, () -> {
            if (project.isPresent() && projects.restartedSince(project.get(), start)) {
                // The whole project was restarted while this action waited for it: the container is fresh already.
                return ok("skipped: project " + project.get() + " was restarted while this action waited", start);
            }
            return ownActions.ofContainer(c.id(), () -> {
                try {
                    runtime.restart(c.id(), stopTimeout);
                    return ok("restarted container " + c.name() + " (" + c.shortId() + ")", start);
                } catch (DockerActionException e) {
                    if (e.timedOut()) {
                        // Docker is still restarting it: the action lasts until it has, so that its late stop
                        // event is not taken for an operator's.
                        return awaitRestarted(c, start);
                    }
                    return failed("restart of " + c.name() + " failed: " + e.getMessage(), start);
                } catch (DockerUnavailableException e) {
                    return failed("restart of " + c.name() + " failed: " + e.getMessage(), start);
                }
            });
        });
    }

    /** A restart that outlived its Docker call: waits, bounded, until Docker says the container runs again. */
    private ActionOutcome awaitRestarted(ContainerInfo before, long start) {
        long deadline = System.nanoTime() + stopTimeout.plus(lockWait.dividedBy(4)).toNanos();
        String last = "no answer";
        while (deadline - System.nanoTime() > 0) {
            try {
                Optional<ContainerInfo> now = runtime.inspect(before.id());
                if (now.isEmpty()) {
                    return failed("container " + before.name() + " vanished while Docker restarted it", start);
                }
                if (now.get().running() && !now.get().startedAt().equals(before.startedAt())) {
                    return ok("restarted container " + before.name() + " (" + before.shortId()
                            + "); Docker took longer than its call timeout", start);
                }
                last = now.get().status();
            } catch (DockerUnavailableException e) {
                last = e.getMessage();
            }
            try {
                Thread.sleep(SETTLE_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return failed("restart of " + before.name() + " did not finish in time (last seen: " + last + ")", start);
    }

    /** The command of the ladder step, run on the host (not in a container), bounded by the compose timeout. */
    private ActionOutcome execHost(HealingAction action, TargetSpec target, long start, Progress progress) {
        if (target instanceof ContainerTarget ct && ct.discovered()) {
            // Its ladder leaves exec-host out already (LabelTarget); this holds even for a ladder that did not.
            return failed("exec-host does not run for " + FieldText.value(ct.name()) + ", a container discovered by"
                    + " its labels: whoever labels a container does not get to run a command on the host", start);
        }
        List<dev.medic.core.LadderStep> ladder = target.policy().ladder();
        if (action.step() < 1 || action.step() > ladder.size()
                || ladder.get(action.step() - 1).action() != HealingActionKind.EXEC_HOST) {
            return failed("no exec-host command at step " + action.step(), start);
        }
        List<String> command = ladder.get(action.step() - 1).command();
        return withLock("host:" + target.name(), start, progress, () -> {
            ComposeRunner.Result r = compose.exec(command, Path.of("/"), compose.timeout());
            String shown = String.join(" ", command);
            String output = r.output().isBlank() ? "" : ": " + r.output().replaceAll("\\s+", " ").strip();
            if (r.ok()) {
                return ok(shown + " → exit 0" + output, start);
            }
            return failed(shown + " → " + (r.timedOut() ? "timed out" : "exit " + r.exitCode()) + output, start);
        });
    }

    private ActionOutcome restartUnit(TargetSpec target, long start, Progress progress) {
        if (!(target instanceof SystemdUnitTarget unit)) {
            return failed("restart-unit needs a systemd-unit target", start);
        }
        return withLock("unit:" + unit.unit(), start, progress, () -> {
            SystemdUnits.Result r = units.restart(unit.unit(), UNIT_RESTART_TIMEOUT);
            if (r.ok()) {
                return ok("systemctl restart " + unit.unit() + " → exit 0", start);
            }
            // polkit said no: the service's user may restart only what medic's polkit rule and its list allow.
            boolean refused = r.output().contains("Interactive authentication required")
                    || r.output().contains("Access denied");
            return failed("systemctl restart " + unit.unit() + " → " + (r.exitCode() < 0 ? "no answer within "
                    + UNIT_RESTART_TIMEOUT.toSeconds() + " s" : "exit " + r.exitCode()) + (r.output().isBlank() ? ""
                    : ": " + r.output().replaceAll("\\s+", " ").strip()) + (refused ? " (medic may not restart this"
                    + " unit: `medic doctor` says what to enable)" : ""), start);
        });
    }

    private ActionOutcome restartProject(TargetSpec target, Optional<ContainerInfo> current,
                                         Optional<ContainerInfo> lastSeen, long start, Progress progress) {
        return withComposeProject(HealingActionKind.RESTART_PROJECT, target, current, lastSeen, start, p -> {
            Optional<String> ownService = current.or(() -> lastSeen)
                    .map(c -> c.labels().get(ComposeProject.SERVICE_LABEL))
                    .or(() -> target instanceof ServiceTarget s ? Optional.of(s.service()) : Optional.empty());
            return withLock("project:" + p.name(), start, progress, () -> {
                ActionOutcome out = projects.restart(p, ownService, start);
                if (out.ok()) {
                    services.projectRestarted(p.name());
                }
                return out;
            });
        });
    }

    /**
     * Recreates the target's own service: the service a service target names, or the one compose made the
     * container for. Waits for the project's lock like a project restart, and is skipped when the project was
     * restarted meanwhile (its container is new already).
     */
    private ActionOutcome recreateService(TargetSpec target, Optional<ContainerInfo> current,
                                          Optional<ContainerInfo> lastSeen, long start, Progress progress) {
        return withComposeProject(HealingActionKind.RECREATE_SERVICE, target, current, lastSeen, start, p -> {
            Optional<ContainerInfo> seen = current.or(() -> lastSeen);
            Optional<String> service = target instanceof ServiceTarget s ? Optional.of(s.service())
                    : seen.filter(c -> ComposeProject.madeByCompose(c.labels()))
                            .map(c -> c.labels().get(ComposeProject.SERVICE_LABEL));
            if (service.isEmpty()) {
                return failed("cannot tell which service of project " + FieldText.value(p.name()) + " to recreate: "
                        + seen.map(c -> "container " + FieldText.value(c.name()) + " was not created by compose")
                                .orElse(ContainerLocator.describe(target) + " was not found"), start);
            }
            if (!ComposeProject.isServiceName(service.get())) {
                return failed("not recreating service " + FieldText.quote(service.get()) + ": not a service name"
                        + " compose allows ([a-zA-Z0-9._-], not starting with '-')", start);
            }
            List<ContainerInfo> containers = Stream.of(current, lastSeen).flatMap(Optional::stream).toList();
            return withLock("project:" + p.name(), start, progress, () -> {
                if (projects.restartedSince(p.name(), start)) {
                    return ok("skipped: project " + p.name() + " was restarted while this action waited", start);
                }
                return services.recreate(p, service.get(), containers, start);
            });
        });
    }

    /**
     * Runs {@code body} with the compose project a compose rung ({@code kind}) acts on, or fails saying why there
     * is none to act on. The target's {@code project} in config is used as it is: nothing in it is a label's claim.
     * A project read from the labels of the container (as found now, else as last seen) only when they hold up to
     * {@link ProjectRestarter#check}.
     */
    private ActionOutcome withComposeProject(HealingActionKind kind, TargetSpec target, Optional<ContainerInfo> current,
                                             Optional<ContainerInfo> lastSeen, long start,
                                             Function<ComposeProject, ActionOutcome> body) {
        if (target.project().isPresent()) {
            Optional<ComposeProject> configured = projectOf(target, current).or(() -> projectOf(target, lastSeen));
            if (configured.isPresent()) {
                return body.apply(configured.get());
            }
        }
        Optional<ContainerInfo> labelled = current.filter(ProjectRestarter::namesProject)
                .or(() -> lastSeen.filter(ProjectRestarter::namesProject));
        if (labelled.isEmpty()) {
            return failed(notAComposeProject(kind, target, current.or(() -> lastSeen)), start);
        }
        ContainerInfo c = labelled.get();
        ComposeProject.Checked checked;
        try {
            checked = projects.check(target, c);
        } catch (DockerUnavailableException e) {
            return failed("Docker unreachable while checking the compose labels of " + FieldText.value(c.name()) + ": "
                    + e.getMessage(), start);
        }
        if (!checked.trusted()) {
            String project = FieldText.value(checked.project().name());
            String doing = kind == HealingActionKind.RECREATE_SERVICE
                    ? "recreating service " + FieldText.value(c.labels().getOrDefault(ComposeProject.SERVICE_LABEL, ""))
                            + " of project " + project
                    : "restarting project " + project;
            return failed("not " + doing + " for " + FieldText.value(c.name()) + ": "
                    + String.join("; ", checked.refusals()) + " (labels are claims: a project { directory, files } set"
                    + " on the target in config is used as it is)", start);
        }
        return body.apply(checked.project());
    }

    /**
     * Why a compose rung has no project to act on, and what the operator can do about it: the ladder came from
     * the target's own escalation (or a global one the target inherits), since a container discovered without
     * compose labels gets a ladder without these rungs.
     */
    private static String notAComposeProject(HealingActionKind kind, TargetSpec target,
                                             Optional<ContainerInfo> container) {
        String what = container.map(c -> "container " + FieldText.value(c.name()) + " has no compose project labels ("
                        + ComposeProject.PROJECT_LABEL + " with its working_dir)")
                .orElse(ContainerLocator.describe(target) + " has no container to read its compose project from");
        return "not a compose project: " + what + " and target " + FieldText.value(target.name()) + " sets no"
                + " project { directory = ... }, so " + kind.configName() + " cannot run; set project { directory,"
                + " files } on the target, or give it an escalation without " + kind.configName();
    }

    /**
     * Gives up finishing an earlier medic's restart of {@code project} in this run (dry-run changes nothing):
     * the project's targets are checked again and its events are no longer medic's own. The note stays.
     */
    public void abandonFinish(String project) {
        projects.endAwaitingFinish(project);
    }

    /**
     * The locator this healer finds containers with, which the checks share: one place that says each conflict
     * over a compose service once.
     */
    public ContainerLocator locator() {
        return locator;
    }

    /** The project restarts an earlier medic began and never finished (see {@link ProjectRestartLog}). */
    public List<ComposeProject> unfinishedProjectRestarts() {
        return projects.unfinished();
    }

    /**
     * Finishes a project restart an earlier medic was cut off in (or whose {@code up} failed): the noted
     * services, which were running when medic began to take them down, are taken down again and brought up.
     * The take-down is done again because the dead medic's compose may still be at it (a container that takes
     * its stop grace, then is removed): {@code rm -s -f} waits for that, and only then does {@code up} create
     * them anew; an {@code up} alone would find a container still stopping up to date. A failed take-down does
     * not stop the {@code up} (the other compose may have removed a container first). A note of an older medic
     * names no services: then the whole project is brought up.
     */
    public ActionOutcome finishProjectRestart(ComposeProject p) {
        long start = System.nanoTime();
        try {
            return withLock("project:" + p.name(), start, Progress.NONE, () -> projects.finish(p, start));
        } finally {
            // Whether it brought the project up, failed or never got the lock, the project's targets are checked again.
            projects.endAwaitingFinish(p.name());
        }
    }

    /** The compose project of a target: the config override wins over the container's labels. */
    public static Optional<ComposeProject> projectOf(TargetSpec target, Optional<ContainerInfo> container) {
        return ProjectRestarter.projectOf(target, container);
    }

    private interface LockedAction {
        ActionOutcome run();
    }

    private ActionOutcome withLock(String key, long start, Progress progress, LockedAction body) {
        ReentrantLock lock = locks.computeIfAbsent(key, k -> new ReentrantLock());
        if (!lock.tryLock()) {
            progress.waiting();
            boolean acquired;
            try {
                acquired = lock.tryLock(lockWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return failed("interrupted while waiting for " + key, start);
            } finally {
                progress.acting();
            }
            if (!acquired) {
                return failed("another action on " + key + " is still running after " + lockWait.toSeconds() + "s",
                        start);
            }
        }
        try {
            return body.run();
        } finally {
            lock.unlock();
        }
    }
}
