package dev.medic.systemd;

import dev.medic.core.Phase;
import dev.medic.engine.TargetStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Feeds systemd from the engine's heartbeat: a {@code WATCHDOG=1} ping at a quarter of
 * {@code WatchdogSec=} and a {@code STATUS=} line ("N targets, M failing") whenever it changes.
 *
 * <p>It runs as an engine heartbeat listener, that is on the scheduling loop's own thread and only when
 * that loop finds itself alive, so a wedged loop stops the pings and systemd restarts medic; there is
 * deliberately no timer of its own. Called from one thread at a time.
 */
public final class ServiceStatusReporter implements Consumer<List<TargetStatus>> {
    private static final Set<Phase> FAILING = EnumSet.of(Phase.FAILING, Phase.HEALING, Phase.GAVE_UP);

    private final SdNotifier notifier;
    private final Clock clock;
    private final Duration pingEvery;
    private Instant lastPing = Instant.MIN;
    private String lastStatus = "";

    public ServiceStatusReporter(SdNotifier notifier, Clock clock) {
        this.notifier = notifier;
        this.clock = clock;
        // Four pings per timeout leave room for a slow heartbeat or two before systemd gives up on medic.
        this.pingEvery = notifier.watchdogTimeout().map(t -> t.dividedBy(4)).orElse(Duration.ZERO);
    }

    /** The status line systemd shows in {@code systemctl status medic}. */
    public static String statusLine(List<TargetStatus> targets) {
        long failing = targets.stream().filter(t -> FAILING.contains(t.phase())).count();
        return targets.size() + (targets.size() == 1 ? " target, " : " targets, ") + failing + " failing";
    }

    @Override
    public void accept(List<TargetStatus> targets) {
        Instant now = clock.instant();
        if (notifier.watchdogTimeout().isPresent() && !now.isBefore(lastPing.plus(pingEvery))) {
            notifier.watchdog();
            lastPing = now;
        }
        String status = statusLine(targets);
        if (!status.equals(lastStatus)) {
            notifier.status(status);
            lastStatus = status;
        }
    }
}
