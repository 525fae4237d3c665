package dev.medic.notify;

import dev.medic.config.MedicConfig;
import dev.medic.config.UrlMasking;
import dev.medic.core.Printable;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-man switch: after a healthy engine cycle (the engine's heartbeat, which stops when the loop or
 * a check is wedged) it GETs {@code heartbeat-url}, at most once per {@code heartbeat-every}, so that an
 * outside service (healthchecks.io and the like) raises the alarm when the pings stop — that is, when medic
 * itself is dead or stuck. The GET runs asynchronously on OkHttp's threads, bounded by the client's call
 * timeout (a client without one is refused), and never two at a time. The URL holds a private token: logs
 * name only its host.
 * Thread-safe.
 */
public final class HeartbeatPinger {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatPinger.class);

    private final MedicConfig.Heartbeat heartbeat;
    private final OkHttpClient http;
    private final Clock clock;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private volatile Instant lastPing = Instant.MIN;
    private volatile boolean failing;

    /**
     * @param http a client with a call timeout ({@link Notifications#boundedClient}): a ping that never ended
     *     would stop every later ping, since they never overlap
     * @throws IllegalArgumentException if {@code http} has no call timeout
     */
    public HeartbeatPinger(MedicConfig.Heartbeat heartbeat, OkHttpClient http, Clock clock) {
        HttpNotifiers.requireCallTimeout(http);
        this.heartbeat = heartbeat;
        this.http = http;
        this.clock = clock;
    }

    /** Called after every healthy engine cycle; pings when {@code every} has passed since the last ping. */
    public void cycleWasHealthy() {
        Instant now = clock.instant();
        if (now.isBefore(lastPing.plus(heartbeat.every())) || !inFlight.compareAndSet(false, true)) {
            return;
        }
        lastPing = now;
        Request request = new Request.Builder().url(heartbeat.url().toString()).get()
                .header("User-Agent", "medic").build();
        try {
            http.newCall(request).enqueue(new Callback() {
                @Override
                public void onResponse(Call call, Response response) {
                    try (response) {
                        if (response.isSuccessful()) {
                            succeeded();
                        } else {
                            failed("HTTP " + response.code());
                        }
                    } finally {
                        inFlight.set(false);
                    }
                }

                @Override
                public void onFailure(Call call, IOException e) {
                    try {
                        // OkHttp's message may quote the server (a bad status line): printable only.
                        failed(e.getClass().getSimpleName() + (e.getMessage() == null ? ""
                                : " " + Printable.line(UrlMasking.maskUrlsIn(e.getMessage()))));
                    } finally {
                        inFlight.set(false);
                    }
                }
            });
        } catch (RuntimeException e) {
            inFlight.set(false);
            failed(e.toString());
        }
    }

    private void succeeded() {
        if (failing) {
            failing = false;
            LOG.info("heartbeat: pings to {} get through again", heartbeat.url().getHost());
        }
    }

    private void failed(String why) {
        if (!failing) {
            failing = true;
            LOG.warn("heartbeat: the ping to {} failed ({}); the outside service may report medic as down",
                    heartbeat.url().getHost(), why);
        }
    }
}
