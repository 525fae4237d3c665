package dev.medic.docker;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What Docker says about one container at one moment.
 *
 * @param name without the leading slash
 * @param status Docker's state word: created, running, restarting, paused, exited, dead
 * @param health Docker's HEALTHCHECK status (starting, healthy, unhealthy) when the image has one
 * @param lastHealthOutput the output of the last HEALTHCHECK run, if any
 * @param restartPolicy the container's {@code HostConfig.RestartPolicy}; {@link RestartPolicy#UNKNOWN} when
 *                      Docker's answer did not carry it (a container list entry)
 * @param restartCount Docker's {@code RestartCount}: how many times its restart policy restarted this
 *                     container since it was last started by hand (0 when unknown)
 *
 * Immutable.
 */
public record ContainerInfo(String id, String name, String status, boolean running, boolean restarting,
                            boolean oomKilled, long exitCode, Optional<String> health, String lastHealthOutput,
                            String startedAt, Map<String, String> labels, RestartPolicy restartPolicy,
                            long restartCount) {
    public ContainerInfo {
        labels = Map.copyOf(labels);
        Objects.requireNonNull(restartPolicy, "restartPolicy");
    }

    /** A container whose restart policy and count are not known. */
    public ContainerInfo(String id, String name, String status, boolean running, boolean restarting,
                         boolean oomKilled, long exitCode, Optional<String> health, String lastHealthOutput,
                         String startedAt, Map<String, String> labels) {
        this(id, name, status, running, restarting, oomKilled, exitCode, health, lastHealthOutput, startedAt, labels,
                RestartPolicy.UNKNOWN, 0);
    }

    public String shortId() {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    /** This container with {@code policy} and {@code count} as its restart policy and RestartCount. */
    public ContainerInfo withRestarts(RestartPolicy policy, long count) {
        return new ContainerInfo(id, name, status, running, restarting, oomKilled, exitCode, health, lastHealthOutput,
                startedAt, labels, policy, count);
    }

    /**
     * Whether Docker's own restart policy is restarting the container, so that its being down is Docker's
     * back-off between attempts rather than a death: it is {@code restarting} under a policy that restarts.
     * Docker decides at the exit, under the container's lock, whether its policy restarts it: when it does, the
     * container goes straight to {@code restarting} (RestartCount already counts that restart, so the N-th of
     * {@code on-failure:N} is still to come); when it does not (on-failure:N used up, exit code 0 under
     * on-failure, a {@code docker kill} or stop, a restart that failed to start) it goes to {@code exited} and
     * stays there. So an exited container is never Docker's to bring back, whatever its policy.
     */
    public boolean restartedByDocker() {
        return restarting && restartPolicy.restarts();
    }

    /**
     * A container's {@code HostConfig.RestartPolicy}.
     *
     * @param name {@code no}, {@code always}, {@code unless-stopped} or {@code on-failure}; "" when unknown
     * @param maximumRetryCount for {@code on-failure}: the restarts Docker makes before it gives up; 0 for no limit
     */
    public record RestartPolicy(String name, long maximumRetryCount) {
        public static final RestartPolicy UNKNOWN = new RestartPolicy("", 0);
        public static final RestartPolicy NO = new RestartPolicy("no", 0);
        public static final RestartPolicy ALWAYS = new RestartPolicy("always", 0);
        public static final RestartPolicy UNLESS_STOPPED = new RestartPolicy("unless-stopped", 0);

        public RestartPolicy {
            name = name == null ? "" : name.toLowerCase(Locale.ROOT);
        }

        /** {@code on-failure:N} (0: without limit). */
        public static RestartPolicy onFailure(long maximumRetryCount) {
            return new RestartPolicy("on-failure", maximumRetryCount);
        }

        /** Whether the policy ever restarts the container. */
        public boolean restarts() {
            return name.equals("always") || name.equals("unless-stopped") || name.equals("on-failure");
        }

        /** As Docker writes it: {@code on-failure:3}, {@code always}; "unknown" when not known. */
        @Override
        public String toString() {
            if (name.isEmpty()) {
                return "unknown";
            }
            return name.equals("on-failure") && maximumRetryCount > 0 ? name + ":" + maximumRetryCount : name;
        }
    }
}
