package dev.medic.docker;

import dev.medic.config.ContainerTarget;
import dev.medic.config.ServiceTarget;
import dev.medic.config.TargetSpec;
import dev.medic.core.FieldText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a target's container as it is now: by exact name, id or long id prefix (see
 * {@link ContainerTarget#matches}), or for a compose service by its labels, so that a recreated container
 * is still found. Of a service's containers, one-offs ({@code compose run}) are not the service; of the
 * rest a running one is preferred, then the newest (scaled replicas).
 *
 * <p>Labels are claims: anyone can start a container labelled as another project's service. When the
 * containers that claim a service cannot all be compose's own replicas of it ({@link #conflict}), the
 * locator picks none of them: {@link #locate} fails with the reason (see {@link #isConflict}), the check is
 * UNKNOWN (never counts, never heals), and the reason is logged once at warning until the claims change.
 *
 * <p>Thread-safe.
 */
public final class ContainerLocator {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerLocator.class);

    private final ContainerRuntime runtime;
    /** The conflict last logged for each "project/service", so that each is said once while it lasts. */
    private final Map<String, String> loggedConflicts = new ConcurrentHashMap<>();

    public ContainerLocator(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * The target's container with full details, or empty when it has none right now.
     *
     * @throws DockerUnavailableException when Docker does not answer, or when several containers claim the
     *         target's compose service and medic cannot tell which one it is (the message says why and that
     *         medic acts on none of them)
     */
    public Optional<ContainerInfo> locate(TargetSpec target) throws DockerUnavailableException {
        if (target instanceof ContainerTarget c) {
            // dockerd's inspect falls back to an id-prefix match, so `container = db` would otherwise find
            // whatever container's id starts with "db" and medic would restart a stranger.
            return runtime.inspect(c.container()).filter(found -> c.matches(found.name(), found.id()));
        }
        if (target instanceof ServiceTarget s) {
            List<ContainerInfo> candidates = claimants(runtime, s.composeProject(), s.service());
            Optional<String> conflict = conflict(s.composeProject(), s.service(), candidates)
                    .or(() -> candidates.size() < 2 ? Optional.empty() : imageClaims(candidates));
            String key = s.composeProject() + "/" + s.service();
            if (conflict.isPresent()) {
                if (!conflict.get().equals(loggedConflicts.put(key, conflict.get()))) {
                    LOG.warn("target {}: {}", FieldText.value(s.name()), conflict.get());
                }
                throw new DockerUnavailableException(conflict.get(), new ConflictingClaims());
            }
            if (loggedConflicts.remove(key) != null) {
                LOG.info("target {}: one container claims service {} of project {} again", FieldText.value(s.name()),
                        FieldText.value(s.service()), FieldText.value(s.composeProject()));
            }
            Optional<ContainerInfo> chosen = candidates.stream().filter(ContainerInfo::running).findFirst()
                    .or(() -> candidates.stream().findFirst());
            if (chosen.isEmpty()) {
                return Optional.empty();
            }
            return runtime.inspect(chosen.get().id());
        }
        if (!target.hasContainer()) {
            return Optional.empty();
        }
        throw new IllegalArgumentException("unknown target kind " + target.getClass());
    }

    /**
     * The cause of the {@link DockerUnavailableException} {@link #locate} throws when containers' claims conflict:
     * Docker answered, medic cannot tell which container is meant. Carries no message of its own.
     */
    public static final class ConflictingClaims extends Exception {
        private static final long serialVersionUID = 1L;

        ConflictingClaims() {
            super(null, null, false, false);
        }
    }

    /**
     * Why one of several claimants is an impostor by its image: compose writes its labels on the container,
     * so a claimant whose project, service, config-hash or container-number labels equal its image's came
     * from a {@code docker run} of an image built to pass as the service (a scaled replica cannot be told
     * from it by the labels alone). Empty when every claimant's labels are its own.
     */
    private Optional<String> imageClaims(List<ContainerInfo> claimants) {
        List<String> impostors = new ArrayList<>();
        for (ContainerInfo c : claimants) {
            try {
                if (!inheritedIdentityLabels(runtime, c).isEmpty()) {
                    impostors.add(named(c));
                }
            } catch (DockerUnavailableException e) {
                // Cannot tell now: the label check already passed, and the next check asks again.
            }
        }
        return impostors.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", impostors)
                + (impostors.size() == 1 ? " carries" : " carry") + " compose labels from " + (impostors.size() == 1
                ? "its image" : "their images") + ", not from compose; medic acts on none of the "
                + claimants.size() + " containers that claim the service");
    }

    /** The compose identity labels of {@code c} that have the same value on its image (so compose did not write them). */
    public static List<String> inheritedIdentityLabels(ContainerRuntime runtime, ContainerInfo c)
            throws DockerUnavailableException {
        Map<String, String> image = runtime.imageLabels(c.id());
        return ComposeProject.IDENTITY_LABELS.stream()
                .filter(k -> c.labels().containsKey(k) && c.labels().get(k).equals(image.get(k))).toList();
    }

    /** Whether {@code e} says that containers' claims conflict (its message says how) rather than that Docker is away. */
    public static boolean isConflict(DockerUnavailableException e) {
        return e.getCause() instanceof ConflictingClaims;
    }

    /**
     * The containers that claim to be {@code service} of {@code project} by their labels, newest first, less
     * the one-offs of {@code compose run} (which carry the service's labels but are not the service).
     */
    public static List<ContainerInfo> claimants(ContainerRuntime runtime, String project, String service)
            throws DockerUnavailableException {
        return runtime.findByLabels(Map.of(ComposeProject.PROJECT_LABEL, project,
                        ComposeProject.SERVICE_LABEL, service)).stream()
                .filter(c -> !ComposeProject.isOneOff(c.labels())).toList();
    }

    /**
     * Why medic cannot tell which of {@code claimants} is {@code service} of {@code project}, or empty when it
     * can: one claimant, or compose's own scaled replicas (each {@link ComposeProject#madeByCompose made by
     * compose} with a container number of its own). Several claimants of which one was not made by compose, or
     * two with the same container number, mean at least one impostor, and medic does not guess which.
     */
    public static Optional<String> conflict(String project, String service, List<ContainerInfo> claimants) {
        if (claimants.size() < 2) {
            return Optional.empty();
        }
        List<String> impostors = new ArrayList<>();
        Map<Integer, List<String>> byNumber = new LinkedHashMap<>();
        for (ContainerInfo c : claimants) {
            Optional<Integer> number = ComposeProject.containerNumber(c.labels());
            if (!ComposeProject.madeByCompose(c.labels())) {
                impostors.add(named(c));
            } else {
                byNumber.computeIfAbsent(number.orElseThrow(), n -> new ArrayList<>()).add(named(c));
            }
        }
        List<String> reasons = new ArrayList<>();
        if (!impostors.isEmpty()) {
            reasons.add(String.join(", ", impostors) + (impostors.size() == 1 ? " was" : " were")
                    + " not created by compose (no config-hash or container-number label)");
        }
        byNumber.forEach((number, names) -> {
            if (names.size() > 1) {
                reasons.add(String.join(" and ", names) + (names.size() == 2 ? " both" : " all")
                        + " claim to be container number " + number);
            }
        });
        if (reasons.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(claimants.size() + " containers claim to be service " + FieldText.value(service)
                + " of project " + FieldText.value(project) + ": " + String.join("; ", reasons)
                + "; medic cannot tell which is the service and acts on none of them");
    }

    private static String named(ContainerInfo c) {
        return FieldText.value(c.name()) + " (" + c.shortId() + ")";
    }

    /** A human description of what the target is bound to, for messages. */
    public static String describe(TargetSpec target) {
        if (target instanceof ContainerTarget c) {
            return "container " + c.container();
        }
        if (target instanceof ServiceTarget s) {
            return "service " + s.service() + " of project " + s.composeProject();
        }
        return "no container";
    }
}
