package dev.medic.notify;

import dev.medic.config.NotifySettings;
import dev.medic.core.Printable;
import dev.medic.core.Severity;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one channel's messages in order on the channel's own thread: each is spooled first, then sent
 * with retries and exponential back-off (resilience4j Retry) through a circuit breaker that stops hammering
 * a channel that keeps failing. What cannot be delivered stays in the spool and is tried again every
 * {@code redeliver-every}. Nothing here runs on a caller's thread but the spooling, so a hanging or failing
 * channel never delays a check or a heal. Thread-safe.
 */
final class ChannelDelivery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelDelivery.class);

    private final Notifier notifier;
    private final NotifySettings.Routing routing;
    private final Spool spool;
    private final NotifySettings.Delivery delivery;
    private final ScheduledExecutorService thread;
    private final Retry retry;
    private final CircuitBreaker breaker;
    /** Touched only on the channel's thread. */
    private boolean failing;
    private int deliveredSinceFailure;

    ChannelDelivery(Notifier notifier, NotifySettings.Routing routing, Spool spool, NotifySettings.Delivery delivery,
                    ScheduledExecutorService thread) {
        this.notifier = notifier;
        this.routing = routing;
        this.spool = spool;
        this.delivery = delivery;
        this.thread = thread;
        this.retry = Retry.of("notify-" + notifier.name(), RetryConfig.custom()
                .maxAttempts(delivery.attempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(delivery.backoff(), 2))
                .retryExceptions(IOException.class)
                .ignoreExceptions(CallNotPermittedException.class)
                .build());
        this.breaker = CircuitBreaker.of("notify-" + notifier.name(), CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(6)
                .minimumNumberOfCalls(3)
                .failureRateThreshold(50)
                .waitDurationInOpenState(delivery.redeliverEvery())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordExceptions(IOException.class)
                .build());
    }

    String name() {
        return notifier.name();
    }

    /** Whether this channel hears of {@code m}: its routing covers the target and the incident is severe enough. */
    boolean wants(IncidentMessage m) {
        boolean severeEnough = routing.minSeverity() != Severity.ERR || "error".equals(m.severity());
        return severeEnough && routing.covers(m.target());
    }

    /** Spools {@code m} and has the channel's thread deliver it; returns at once. */
    void enqueue(IncidentMessage m) {
        spool.add(m);
        try {
            thread.execute(this::drainSafely);
        } catch (RuntimeException e) {
            LOG.debug("notify: {} is closing; the message stays in the spool", name());
        }
    }

    /** Starts the periodic redelivery (which also sends what the spool held from before a restart). */
    void start() {
        long every = delivery.redeliverEvery().toMillis();
        thread.scheduleWithFixedDelay(this::drainSafely, 0, every, TimeUnit.MILLISECONDS);
    }

    int waiting() {
        return spool.size();
    }

    private void drainSafely() {
        try {
            drain();
        } catch (RuntimeException e) {
            LOG.error("notify: delivery to {} failed inside medic; it is tried again in {} s", name(),
                    delivery.redeliverEvery().toSeconds(), e);
        }
    }

    private void drain() {
        Optional<Spool.Entry> next;
        while ((next = spool.oldest()).isPresent() && !Thread.currentThread().isInterrupted()) {
            IncidentMessage m = next.get().message();
            try {
                Retry.decorateCheckedRunnable(retry, () -> breaker.executeCheckedRunnable(() -> notifier.send(m)))
                        .run();
            } catch (Throwable e) {
                if (!failing) {
                    failing = true;
                    LOG.warn("notify: {} could not be told of incident {} ({}); {} message(s) wait in the spool and "
                            + "are tried again every {} s", name(), m.incident(), reason(e), spool.size(),
                            delivery.redeliverEvery().toSeconds());
                }
                return;
            }
            spool.remove(next.get());
            LOG.info("notify: told {} of incident {} ({}: {})", name(), m.incident(), m.state().wire(), m.title());
            if (failing) {
                deliveredSinceFailure++;
                if (spool.size() == 0) {
                    LOG.info("notify: {} delivers again; {} waiting message(s) sent", name(), deliveredSinceFailure);
                    failing = false;
                    deliveredSinceFailure = 0;
                }
            }
        }
    }

    /**
     * Why a delivery failed, for the journal. Notifiers say it without secrets; their messages may still quote
     * a server, so the reason is made printable here for every channel, and cut.
     */
    static String reason(Throwable e) {
        if (e instanceof CallNotPermittedException) {
            return "circuit open after repeated failures";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : Printable.excerpt(e.getMessage(), 300);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
