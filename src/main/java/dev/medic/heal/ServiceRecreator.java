package dev.medic.heal;

import static dev.medic.heal.Outcomes.failed;
import static dev.medic.heal.Outcomes.ok;

import dev.medic.core.ActionOutcome;
import dev.medic.core.FieldText;
import dev.medic.docker.ComposeProject;
import dev.medic.docker.ComposeRunner;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerLocator;
import dev.medic.docker.ContainerRuntime;
import dev.medic.docker.DockerUnavailableException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recreates one compose service for {@link Healer}: {@code compose up -d --no-deps --force-recreate SERVICE} in
 * the project's working directory with its files and env files, so the service gets a new container made from
 * its compose file (a wedged container that a restart does not cure, such as a celery beat whose mount namespace
 * broke) while the project's other containers, its dependencies included, keep theirs.
 *
 * <p>Compose stops the old container, renames it, creates and starts the new one, then removes the old one:
 * the stop and destroy events of the service's containers as they were before are medic's own
 * ({@link OwnActions#ofContainers}); no sibling's are. While a recreate runs, and after one that failed (compose
 * may have left the old container renamed and the new one never made) until one succeeds, the service counts as
 * {@link #tookDown taken down by medic}: its target is not dropped for a missing container, and the renamed old
 * container is not adopted as a target of its own. A later recreate or project restart of medic's that succeeds ends
 * that.
 *
 * <p>Invariants: the project and service were checked by the caller (labels are claims: see
 * {@link ProjectRestarter#check}) and the service name is one compose allows. {@link #recreate} is called with the
 * project's lock held (the Healer's {@code project:} lock), so one action runs per project at a time.
 *
 * <p>Thread-safe: the queries read concurrent sets.
 */
final class ServiceRecreator {
    private final ContainerRuntime runtime;
    private final ComposeRunner compose;
    private final OwnActions own;
    /** "project/service" keys of the recreates running now. */
    private final Set<String> recreating = ConcurrentHashMap.newKeySet();
    /** "project/service" keys whose last recreate failed, until one succeeds. */
    private final Set<String> failed = ConcurrentHashMap.newKeySet();
    /** System.nanoTime() at which each "project/service" last finished a recreate by medic. */
    private final ConcurrentHashMap<String, Long> recreatedAt = new ConcurrentHashMap<>();

    ServiceRecreator(ContainerRuntime runtime, ComposeRunner compose, OwnActions own) {
        this.runtime = runtime;
        this.compose = compose;
        this.own = own;
    }

    /** See {@link Healer#tookDown(String, String)}. */
    boolean tookDown(String project, String service) {
        String key = key(project, service);
        return recreating.contains(key) || failed.contains(key);
    }

    /**
     * Recreates {@code service} of {@code p}, unless it was recreated since {@code start} (System.nanoTime()) by
     * another action that this one waited for; the caller holds the project's lock.
     *
     * @param seen the containers the target's checks saw (now and last), whose events are medic's own too even if
     *             compose no longer lists them under the service
     */
    ActionOutcome recreate(ComposeProject p, String service, List<ContainerInfo> seen, long start) {
        String key = key(p.name(), service);
        Long last = recreatedAt.get(key);
        if (last != null && last - start > 0) {
            return ok("skipped: service " + service + " of project " + p.name() + " was recreated while this"
                    + " action waited", start);
        }
        Set<String> old = new LinkedHashSet<>();
        seen.forEach(c -> old.add(c.id()));
        try {
            for (ContainerInfo c : ContainerLocator.claimants(runtime, p.name(), service)) {
                if (ComposeProject.madeByCompose(c.labels())) {
                    old.add(c.id());
                }
            }
        } catch (DockerUnavailableException e) {
            return failed("Docker unreachable while listing service " + service + " of project " + p.name() + ": "
                    + e.getMessage(), start);
        }
        recreating.add(key);
        try {
            ComposeRunner.Result up = own.ofContainers(old, () -> compose.run(p, List.of("up", "-d", "--no-deps",
                    "--force-recreate", service)));
            if (!up.ok()) {
                // Compose may have stopped and renamed the old container before it failed: the service stays medic's
                // doing until a recreate succeeds, so that its target is kept and alerts instead of being dropped.
                failed.add(key);
                return failed(ProjectRestarter.describe(up), start);
            }
            failed.remove(key);
            recreatedAt.put(key, System.nanoTime());
            return ok("service " + service + " of project " + p.name() + " recreated in " + p.workingDir() + " ("
                    + (old.isEmpty() ? "it had no container" : "replacing " + shortIds(old)) + "): "
                    + ProjectRestarter.describe(up), start);
        } finally {
            recreating.remove(key);
        }
    }

    /** A project restart of medic's brought {@code project} back: no recreate of its services is left failed. */
    void projectRestarted(String project) {
        failed.removeIf(key -> key.startsWith(project + "/"));
    }

    private static String shortIds(Set<String> ids) {
        return String.join(", ", ids.stream().map(id -> id.length() > 12 ? id.substring(0, 12) : id)
                .map(FieldText::value).toList());
    }

    private static String key(String project, String service) {
        return project + "/" + service;
    }
}
