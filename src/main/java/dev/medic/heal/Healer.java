package dev.medic.heal;

import dev.medic.config.SystemdUnitTarget;
import dev.medic.core.HealingActionKind;
import dev.medic.systemd.SystemdUnits;
import dev.medic.config.ServiceTarget;
import dev.medic.config.TargetSpec;
import dev.medic.core.ActionOutcome;
import dev.medic.core.HealingAction;
import dev.medic.docker.ComposeProject;
import dev.medic.docker.ComposeRunner;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerLocator;
import dev.medic.docker.ContainerRuntime;
import dev.medic.docker.DockerActionException;
import dev.medic.docker.DockerUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Executes healing actions. {@code restart-container} restarts the target's current container through
 * the Docker API; {@code restart-project} runs compose {@code down} then {@code up -d} (never
 * {@code -v}, never removing images) in the project's working directory with its files. At most one
 * action runs at a time per compose project (and per container outside a project); a second action
 * waits for the first, bounded. Never throws for an action that fails: the outcome says so.
 * Thread-safe.
 */
public final class Healer {

    private final ContainerRuntime runtime;
    private final ContainerLocator locator;
    private final ComposeRunner compose;
    private final Duration stopTimeout;
    private final Duration lockWait;
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /** System.nanoTime() at which each compose project last finished a restart by medic. */
    private final ConcurrentHashMap<String, Long> projectRestartedAt = new ConcurrentHashMap<>();
    /** Until when (System.nanoTime) Docker events about a container or project are medic's own doing. */
    private final ConcurrentHashMap<String, Long> ownActions = new ConcurrentHashMap<>();
    /**
     * How long after medic's own action its events may still arrive from the event stream. Short: an
     * operator's `docker stop` a few seconds after a heal is the operator's (the chaos soak caught 15 s
     * swallowing such stops, and medic restarting what the operator had just stopped).
     */
    static final Duration OWN_EVENT_GRACE = Duration.ofSeconds(2);
    /** systemd's own default start and stop timeouts are 90 s each. */
    static final Duration UNIT_RESTART_TIMEOUT = Duration.ofMinutes(3);
    private final SystemdUnits units = new SystemdUnits();
    private final ProjectRestartLog restarts;
    /** Projects an earlier medic was cut off restarting, busy until {@link #finishProjectRestart} has run. */
    private final Set<String> awaitingFinish = ConcurrentHashMap.newKeySet();

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
        this.restarts = restarts;
        restarts.leftUnfinished().forEach(p -> awaitingFinish.add(p.name()));
        this.runtime = runtime;
        this.locator = locator;
        this.compose = compose;
        this.stopTimeout = stopTimeout;
        this.lockWait = lockWait;
    }

    /** Whether an action on this compose project is running now. */
    public boolean isProjectBusy(String project) {
        ReentrantLock lock = locks.get("project:" + project);
        return (lock != null && lock.isLocked()) || awaitingFinish.contains(project);
    }

    /**
     * Runs the action for {@code target}.
     *
     * @param lastSeen the container the failing check looked at, used when it cannot be found again
     */
    /**
     * Whether Docker events about this container or project come from medic's own action: one running
     * now, or one that finished within {@link #OWN_EVENT_GRACE} (events arrive after the API call returns).
     */
    public boolean isOwnAction(String containerId, Optional<String> project) {
        long now = System.nanoTime();
        return ownUntil(now, "container:" + containerId) || project.map(p -> ownUntil(now, "project:" + p)
                || isProjectBusy(p)).orElse(false);
    }

    private boolean ownUntil(long now, String key) {
        Long until = ownActions.get(key);
        return until != null && until - now > 0;
    }

    private <T> T asOwnAction(String key, java.util.function.Supplier<T> body) {
        ownActions.put(key, System.nanoTime() + Duration.ofDays(1).toNanos());
        try {
            return body.get();
        } finally {
            ownActions.put(key, System.nanoTime() + OWN_EVENT_GRACE.toNanos());
        }
    }

    public ActionOutcome execute(HealingAction action, TargetSpec target, Optional<ContainerInfo> lastSeen) {
        long start = System.nanoTime();
        Optional<ContainerInfo> current;
        try {
            current = locator.locate(target).or(() -> lastSeen);
        } catch (DockerUnavailableException e) {
            return failed("Docker unreachable: " + e.getMessage(), start);
        }
        return switch (action.kind()) {
            case RESTART_CONTAINER -> restartContainer(target, current, start);
            case RESTART_PROJECT -> restartProject(target, current, start);
            case RESTART_UNIT -> restartUnit(target, start);
            case EXEC_HOST -> execHost(action, target, start);
        };
    }

    private ActionOutcome restartContainer(TargetSpec target, Optional<ContainerInfo> current, long start) {
        if (current.isEmpty()) {
            return failed(ContainerLocator.describe(target) + " not found; nothing to restart", start);
        }
        ContainerInfo c = current.get();
        Optional<String> project = Optional.ofNullable(c.labels().get(ComposeProject.PROJECT_LABEL));
        String lockKey = project.map(p -> "project:" + p).orElse("container:" + c.id());
        return withLock(lockKey, start, () -> {
            Long restartedAt = project.map(projectRestartedAt::get).orElse(null);
            if (restartedAt != null && restartedAt - start > 0) {
                // The whole project was restarted while this action waited for it: the container is fresh already.
                return ok("skipped: project " + project.get() + " was restarted while this action waited", start);
            }
            return asOwnAction("container:" + c.id(), () -> {
                try {
                    runtime.restart(c.id(), stopTimeout);
                    return ok("restarted container " + c.name() + " (" + c.shortId() + ")", start);
                } catch (DockerUnavailableException | DockerActionException e) {
                    return failed("restart of " + c.name() + " failed: " + e.getMessage(), start);
                }
            });
        });
    }

    /** The command of the ladder step, run on the host (not in a container), bounded by the compose timeout. */
    private ActionOutcome execHost(HealingAction action, TargetSpec target, long start) {
        List<dev.medic.core.LadderStep> ladder = target.policy().ladder();
        if (action.step() < 1 || action.step() > ladder.size()
                || ladder.get(action.step() - 1).action() != HealingActionKind.EXEC_HOST) {
            return failed("no exec-host command at step " + action.step(), start);
        }
        List<String> command = ladder.get(action.step() - 1).command();
        return withLock("host:" + target.name(), start, () -> {
            ComposeRunner.Result r = compose.exec(command, Path.of("/"), compose.timeout());
            String shown = String.join(" ", command);
            String output = r.output().isBlank() ? "" : ": " + r.output().replaceAll("\\s+", " ").strip();
            if (r.ok()) {
                return ok(shown + " → exit 0" + output, start);
            }
            return failed(shown + " → " + (r.timedOut() ? "timed out" : "exit " + r.exitCode()) + output, start);
        });
    }

    private ActionOutcome restartUnit(TargetSpec target, long start) {
        if (!(target instanceof SystemdUnitTarget unit)) {
            return failed("restart-unit needs a systemd-unit target", start);
        }
        return withLock("unit:" + unit.unit(), start, () -> {
            SystemdUnits.Result r = units.restart(unit.unit(), UNIT_RESTART_TIMEOUT);
            if (r.ok()) {
                return ok("systemctl restart " + unit.unit() + " → exit 0", start);
            }
            return failed("systemctl restart " + unit.unit() + " → " + (r.exitCode() < 0 ? "no answer within "
                    + UNIT_RESTART_TIMEOUT.toSeconds() + " s" : "exit " + r.exitCode()) + (r.output().isBlank() ? ""
                    : ": " + r.output().replaceAll("\\s+", " ").strip()), start);
        });
    }

    private ActionOutcome restartProject(TargetSpec target, Optional<ContainerInfo> current, long start) {
        Optional<ComposeProject> project = projectOf(target, current);
        if (project.isEmpty()) {
            return failed("not a compose project: the container has no compose labels and the target sets no"
                    + " project { directory = ... }", start);
        }
        ComposeProject p = project.get();
        return withLock("project:" + p.name(), start, () -> asOwnAction("project:" + p.name(), () -> {
            restarts.begun(p);
            try {
                ComposeRunner.Result down = compose.run(p, List.of("down"));
                if (!down.ok()) {
                    return failed(describe("down", down), start);
                }
                ComposeRunner.Result up = compose.run(p, List.of("up", "-d"));
                if (!up.ok()) {
                    return failed(describe("down", down) + "; " + describe("up -d", up), start);
                }
                projectRestartedAt.put(p.name(), System.nanoTime());
                return ok("project " + p.name() + " restarted in " + p.workingDir() + ": " + describe("down", down)
                        + "; " + describe("up -d", up), start);
            } finally {
                restarts.ended(p.name());
            }
        }));
    }

    /** The project restarts an earlier medic began and never finished (see {@link ProjectRestartLog}). */
    public List<ComposeProject> unfinishedProjectRestarts() {
        return restarts.leftUnfinished();
    }

    /**
     * Finishes a project restart an earlier medic was cut off in: {@code up -d} only, since its {@code down}
     * may have run (the containers are gone) or not (then {@code up -d} changes nothing).
     */
    public ActionOutcome finishProjectRestart(ComposeProject p) {
        long start = System.nanoTime();
        try {
            return withLock("project:" + p.name(), start, () -> asOwnAction("project:" + p.name(), () -> {
                if (!Files.isDirectory(p.workingDir())) {
                    // The project was moved or deleted since: nothing left to bring up, and no reason to try again.
                    restarts.ended(p.name());
                    return failed("its directory " + p.workingDir() + " is gone", start);
                }
                ComposeRunner.Result up = compose.run(p, List.of("up", "-d"));
                if (!up.ok()) {
                    // Kept noted: the next start tries again.
                    return failed(describe("up -d", up), start);
                }
                restarts.ended(p.name());
                projectRestartedAt.put(p.name(), System.nanoTime());
                return ok("project " + p.name() + " brought up in " + p.workingDir() + ": " + describe("up -d", up),
                        start);
            }));
        } finally {
            awaitingFinish.remove(p.name());
        }
    }

    /** The compose project of a target: the config override wins over the container's labels. */
    public static Optional<ComposeProject> projectOf(TargetSpec target, Optional<ContainerInfo> container) {
        Optional<ComposeProject> fromLabels = container.flatMap(c -> ComposeProject.fromLabels(c.labels()));
        if (target.project().isPresent()) {
            var override = target.project().get();
            String name = fromLabels.map(ComposeProject::name)
                    .or(() -> container.map(c -> c.labels().get(ComposeProject.PROJECT_LABEL)))
                    .or(() -> target instanceof ServiceTarget s ? Optional.of(s.composeProject()) : Optional.empty())
                    .orElse(override.directory().getFileName().toString());
            return Optional.of(new ComposeProject(name, override.directory(), override.files()));
        }
        return fromLabels;
    }

    private static String describe(String step, ComposeRunner.Result r) {
        String status = r.timedOut() ? "timed out" : "exit " + r.exitCode();
        return String.join(" ", r.command()) + " → " + status + " in " + r.took().toMillis() + " ms"
                + (r.output().isBlank() ? "" : ": " + r.output().replaceAll("\\s+", " "));
    }

    private interface LockedAction {
        ActionOutcome run();
    }

    private ActionOutcome withLock(String key, long start, LockedAction body) {
        ReentrantLock lock = locks.computeIfAbsent(key, k -> new ReentrantLock());
        try {
            if (!lock.tryLock(lockWait.toMillis(), TimeUnit.MILLISECONDS)) {
                return failed("another action on " + key + " is still running after " + lockWait.toSeconds() + "s",
                        start);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed("interrupted while waiting for " + key, start);
        }
        try {
            return body.run();
        } finally {
            lock.unlock();
        }
    }

    private static ActionOutcome ok(String detail, long start) {
        return new ActionOutcome(true, detail, Duration.ofNanos(System.nanoTime() - start));
    }

    private static ActionOutcome failed(String detail, long start) {
        return new ActionOutcome(false, detail, Duration.ofNanos(System.nanoTime() - start));
    }
}
