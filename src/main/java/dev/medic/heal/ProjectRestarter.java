package dev.medic.heal;

import static dev.medic.heal.Outcomes.failed;
import static dev.medic.heal.Outcomes.ok;

import dev.medic.config.ServiceTarget;
import dev.medic.config.TargetSpec;
import dev.medic.core.ActionOutcome;
import dev.medic.core.FieldText;
import dev.medic.docker.ComposeProject;
import dev.medic.docker.ComposeRunner;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerLocator;
import dev.medic.docker.ContainerRuntime;
import dev.medic.docker.DockerUnavailableException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Restarts compose projects for {@link Healer}: takes down and brings back up, in the project's working
 * directory with its files and env files, only the services that were running (never {@code -v}, never
 * removing images), and finishes the restarts an earlier medic was cut off in. Keeps what the rest of medic
 * asks of a project meanwhile: whether a restart of it is running, whether medic took it down, and when it
 * last finished a restart. {@link #check} says whether a container's compose labels may steer a restart at all,
 * and only containers compose made count as the project's running services.
 *
 * <p>Invariants: every project restart is noted in the {@link ProjectRestartLog} before its take-down and the
 * note is cleared only once its {@code up} succeeded (or its directory is gone), so a project medic took down
 * stays "taken down" until its services are back, across a crash too. A project is busy from before its
 * window as medic's own action opens until after that window has been set to close, so its containers' events
 * are never left without one or the other. A project noted by an earlier medic is busy from construction until
 * {@link #endAwaitingFinish} is called.
 *
 * <p>Thread-safe for the queries. {@link #restart} and {@link #finish} are to be called with the project's
 * lock held (the Healer's {@code project:} lock), which keeps one restart per project at a time.
 */
final class ProjectRestarter {
    private final ContainerRuntime runtime;
    private final ComposeRunner compose;
    private final OwnActions own;
    private final ProjectRestartLog restarts;
    /** System.nanoTime() at which each compose project last finished a restart by medic. */
    private final ConcurrentHashMap<String, Long> projectRestartedAt = new ConcurrentHashMap<>();
    /** Projects medic is taking down and bringing up right now. */
    private final Set<String> restartingProjects = ConcurrentHashMap.newKeySet();
    /** Projects an earlier medic was cut off restarting, busy until {@link #finish} has run. */
    private final Set<String> awaitingFinish = ConcurrentHashMap.newKeySet();
    /** Projects medic took down whose services are not back yet (the restart note is open), with the note. */
    private final ConcurrentHashMap<String, ProjectRestartLog.Note> takenDown = new ConcurrentHashMap<>();

    ProjectRestarter(ContainerRuntime runtime, ComposeRunner compose, OwnActions own, ProjectRestartLog restarts) {
        this.restarts = restarts;
        for (ProjectRestartLog.Note n : restarts.leftUnfinished()) {
            awaitingFinish.add(n.project().name());
            takenDown.put(n.project().name(), n);
        }
        this.runtime = runtime;
        this.compose = compose;
        this.own = own;
    }

    /** See {@link Healer#isProjectBusy}. */
    boolean isBusy(String project) {
        return restartingProjects.contains(project) || awaitingFinish.contains(project);
    }

    /** See {@link Healer#tookDown}. */
    boolean tookDown(String project) {
        return takenDown.containsKey(project) || isBusy(project);
    }

    /** Whether {@code project} finished a restart by medic after {@code start} (System.nanoTime). */
    boolean restartedSince(String project, long start) {
        Long restartedAt = projectRestartedAt.get(project);
        return restartedAt != null && restartedAt - start > 0;
    }

    /**
     * Restarts {@code p} as medic's own action, unless it was restarted since {@code start}; the caller holds
     * its lock.
     *
     * @param ownService the target's own service, brought up even when it does not run now
     */
    ActionOutcome restart(ComposeProject p, Optional<String> ownService, long start) {
        if (restartedSince(p.name(), start)) {
            // Another target of the project restarted it while this action waited: one incident, one restart.
            return ok("skipped: project " + p.name() + " was restarted while this action waited", start);
        }
        restartingProjects.add(p.name());
        try {
            return own.ofProject(p.name(), () -> downAndUp(p, ownService, start));
        } finally {
            restartingProjects.remove(p.name());
        }
    }

    /**
     * Takes down and brings up the services of {@code p} that run now, plus the target's own service: what an
     * operator stopped (or removed) is left as it is. {@code rm -s -f} and {@code up -d --no-deps} name them,
     * so that neither a stopped dependency nor a service without a container is started. Naming a service
     * brings it up whatever its compose profile; a whole-project {@code down} would not do: compose v2's
     * {@code down} leaves the containers of services outside the active profiles, and {@code up} then finds
     * them up to date (compose issues 11793 and 11884).
     */
    private ActionOutcome downAndUp(ComposeProject p, Optional<String> ownService, long start) {
        ProjectRestartLog.Note previous = takenDown.get(p.name());
        Set<String> running = new TreeSet<>();
        Set<String> others = new TreeSet<>();
        try {
            for (ContainerInfo c : runtime.findByLabels(Map.of(ComposeProject.PROJECT_LABEL, p.name()))) {
                String service = c.labels().get(ComposeProject.SERVICE_LABEL);
                // A one-off container (compose run) is not the service running, and a container compose did not
                // make is no service of the project at all: naming its made-up service would fail the whole up.
                // A service name compose would read as a flag ("-v") comes from no compose file: it is left out.
                if (service != null && ComposeProject.madeByCompose(c.labels())
                        && ComposeProject.isServiceName(service)) {
                    (c.running() || c.restarting() ? running : others).add(service);
                }
            }
        } catch (DockerUnavailableException e) {
            return failed("Docker unreachable while listing project " + p.name() + ": " + e.getMessage(), start);
        }
        if (previous != null && !running.containsAll(previous.services())) {
            // An earlier down of medic's whose up failed: what was running then is what comes back now. Once all of
            // it runs again (someone brought it up), the note says nothing more.
            running.addAll(previous.services());
        }
        ownService.filter(ComposeProject::isServiceName).ifPresent(running::add);
        others.removeAll(running);
        if (running.isEmpty() && !others.isEmpty()) {
            // Nothing runs and the target's own service is unknown: a whole-project up would start what was stopped.
            return failed("nothing of project " + p.name() + " runs and the failing service is unknown; not starting "
                    + String.join(", ", others) + ", which " + (others.size() == 1 ? "was" : "were") + " stopped", start);
        }
        List<String> services = List.copyOf(running);
        ProjectRestartLog.Note note = new ProjectRestartLog.Note(p, services);
        restarts.begun(note);
        takenDown.put(p.name(), note);
        ComposeRunner.Result down = null;
        if (!services.isEmpty()) {
            down = compose.run(p, rmArgs(services));
            if (!down.ok()) {
                return failed(describe(down), start);
            }
        }
        ComposeRunner.Result up = compose.run(p, upArgs(services));
        String downText = down == null ? "no container to take down" : describe(down);
        if (!up.ok()) {
            // The note stays: the next attempt (or the next medic) brings these services back.
            return failed(downText + "; " + describe(up), start);
        }
        broughtBack(p.name());
        String left = others.isEmpty() ? "" : "; left as they were: " + String.join(", ", others);
        return ok("project " + p.name() + " restarted in " + p.workingDir() + " (" + (services.isEmpty() ? "all services"
                : String.join(", ", services)) + left + "): " + downText + "; " + describe(up), start);
    }

    /** Stops and removes the containers of {@code services} (never their volumes: no {@code -v}). */
    private static List<String> rmArgs(List<String> services) {
        List<String> args = new ArrayList<>(List.of("rm", "-s", "-f"));
        args.addAll(services);
        return args;
    }

    private static List<String> upArgs(List<String> services) {
        List<String> args = new ArrayList<>(List.of("up", "-d"));
        if (!services.isEmpty()) {
            args.add("--no-deps");
            args.addAll(services);
        }
        return args;
    }

    private void broughtBack(String project) {
        restarts.ended(project);
        takenDown.remove(project);
        projectRestartedAt.put(project, System.nanoTime());
    }

    /**
     * {@code project} no longer waits for {@link #finish} in this run: it ran, or medic gave it up. The note
     * stays if it did not succeed.
     */
    void endAwaitingFinish(String project) {
        awaitingFinish.remove(project);
    }

    /** The project restarts an earlier medic began and never finished (see {@link ProjectRestartLog}). */
    List<ComposeProject> unfinished() {
        return restarts.leftUnfinished().stream().map(ProjectRestartLog.Note::project).toList();
    }

    /**
     * Finishes a restart of {@code p} left noted, as medic's own action; the caller holds its lock. See
     * {@link Healer#finishProjectRestart} for why the take-down is done again.
     */
    ActionOutcome finish(ComposeProject p, long start) {
        return own.ofProject(p.name(), () -> {
            if (!Files.isDirectory(p.workingDir())) {
                // The project was moved or deleted since: nothing left to bring up, and no reason to try again.
                restarts.ended(p.name());
                takenDown.remove(p.name());
                return failed("its directory " + p.workingDir() + " is gone", start);
            }
            List<String> services = takenDown.getOrDefault(p.name(), new ProjectRestartLog.Note(p, List.of()))
                    .services();
            String downText = "";
            if (!services.isEmpty()) {
                downText = describe(compose.run(p, rmArgs(services))) + "; ";
            }
            ComposeRunner.Result up = compose.run(p, upArgs(services));
            if (!up.ok()) {
                // Kept noted: the next start tries again.
                return failed(downText + describe(up), start);
            }
            broughtBack(p.name());
            return ok("project " + p.name() + " brought up in " + p.workingDir() + ": " + downText + describe(up),
                    start);
        });
    }

    /** Whether a container's labels name a compose project at all (a project and its working directory). */
    static boolean namesProject(ContainerInfo c) {
        return ComposeProject.fromLabels(c.labels()).isPresent();
    }

    /**
     * The project {@code c}'s labels name for {@code target}, with every reason its labels must not steer a
     * project restart: those of {@link ComposeProject#checkedFromLabels} (made by compose, files the project
     * owner's); labels that name another project or service than the target's; compose labels the container has
     * from its image (an image's LABELs carry over to every {@code docker run} of it, so they say who built the
     * image, not that compose made the container); and other containers claiming the same service in a way
     * compose's own replicas never do ({@link ContainerLocator#conflict}).
     *
     * @param c a container whose labels {@link #namesProject name a project}
     */
    ComposeProject.Checked check(TargetSpec target, ContainerInfo c) throws DockerUnavailableException {
        ComposeProject.Checked checked = ComposeProject.checkedFromLabels(c.labels()).orElseThrow();
        List<String> refusals = new ArrayList<>(checked.refusals());
        String project = c.labels().get(ComposeProject.PROJECT_LABEL);
        String service = c.labels().getOrDefault(ComposeProject.SERVICE_LABEL, "");
        if (target instanceof ServiceTarget s && !(s.composeProject().equals(project) && s.service().equals(service))) {
            refusals.add("its labels name service " + FieldText.value(service) + " of project " + FieldText.value(project)
                    + ", not the target's service " + FieldText.value(s.service()) + " of project "
                    + FieldText.value(s.composeProject()));
        }
        List<String> inherited = ContainerLocator.inheritedIdentityLabels(runtime, c);
        if (!inherited.isEmpty()) {
            refusals.add("its " + String.join(", ", inherited) + (inherited.size() == 1 ? " label comes" : " labels come")
                    + " from its image, not from compose");
        }
        if (!service.isBlank()) {
            ContainerLocator.conflict(project, service, ContainerLocator.claimants(runtime, project, service))
                    .ifPresent(refusals::add);
        }
        return new ComposeProject.Checked(checked.project(), refusals);
    }

    /** The compose project of a target: the config override wins over the container's labels. */
    static Optional<ComposeProject> projectOf(TargetSpec target, Optional<ContainerInfo> container) {
        Optional<ComposeProject> fromLabels = container.flatMap(c -> ComposeProject.fromLabels(c.labels()));
        if (target.project().isPresent()) {
            var override = target.project().get();
            String name = fromLabels.map(ComposeProject::name)
                    .or(() -> container.map(c -> c.labels().get(ComposeProject.PROJECT_LABEL)))
                    .or(() -> target instanceof ServiceTarget s ? Optional.of(s.composeProject()) : Optional.empty())
                    .orElse(override.directory().getFileName().toString());
            return Optional.of(new ComposeProject(name, override.directory(), override.files(),
                    fromLabels.map(ComposeProject::envFiles).orElse(List.of())));
        }
        return fromLabels;
    }

    /** One compose run as the outcome of an action tells it: the command, how it ended, how long, its output. */
    static String describe(ComposeRunner.Result r) {
        String status = r.timedOut() ? "timed out" : "exit " + r.exitCode();
        return String.join(" ", r.command()) + " → " + status + " in " + r.took().toMillis() + " ms"
                + (r.output().isBlank() ? "" : ": " + r.output().replaceAll("\\s+", " "));
    }
}
