package dev.medic.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.config.NotifySettings;
import dev.medic.core.MedicEvent;
import dev.medic.event.EventSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import okhttp3.OkHttpClient;

/**
 * The notification side of medic: an {@link EventSink} that turns events into incident messages
 * ({@link IncidentTracker}) and hands each to the channels that want it ({@link ChannelDelivery}, one
 * thread each). {@link #publish} only spools and returns; delivery never runs on the caller's thread.
 * Thread-safe.
 */
public final class Notifications implements EventSink, AutoCloseable {
    private final IncidentTracker tracker;
    private final List<ChannelDelivery> channels;

    Notifications(IncidentTracker tracker, List<ChannelDelivery> channels) {
        this.tracker = tracker;
        this.channels = List.copyOf(channels);
    }

    /**
     * Builds the configured channels.
     *
     * @param stateDir where the spool and the open incidents are kept; empty keeps them in memory
     * @param healable whether a target is healed at all (watch-only targets open incidents at the threshold)
     */
    public static Notifications create(NotifySettings settings, Optional<Path> stateDir, OkHttpClient http,
                                       Predicate<String> healable, String host) {
        ObjectMapper json = new ObjectMapper();
        OkHttpClient bounded = boundedClient(http, settings.delivery());
        List<ChannelDelivery> channels = new ArrayList<>();
        for (NotifySettings.Channel channel : settings.channels()) {
            Optional<Path> spoolDir = stateDir.map(d -> d.resolve("spool").resolve(channel.name()));
            channels.add(new ChannelDelivery(notifier(channel, bounded, json, settings.delivery()), channel.routing(),
                    new Spool(channel.name(), spoolDir, settings.delivery().spoolMax(), json), settings.delivery(),
                    Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, "medic-notify-" + channel.name());
                        t.setDaemon(true);
                        return t;
                    })));
        }
        IncidentTracker tracker = new IncidentTracker(stateDir.map(d -> d.resolve("incidents.json")), healable, host);
        return new Notifications(tracker, channels);
    }

    /** The notifier for one configured channel (also used by {@code medic notify-test}). */
    public static Notifier notifier(NotifySettings.Channel channel, OkHttpClient http, ObjectMapper json,
                                    NotifySettings.Delivery delivery) {
        if (channel instanceof NotifySettings.Telegram t) {
            return HttpNotifiers.telegram(t, http, json);
        }
        if (channel instanceof NotifySettings.Slack s) {
            return HttpNotifiers.slack(s, http, json);
        }
        if (channel instanceof NotifySettings.Webhook w) {
            return HttpNotifiers.webhook(w, http, json);
        }
        return new EmailNotifier((NotifySettings.Email) channel, delivery.timeout());
    }

    /** A client whose every call is bounded by the delivery timeout and never silently retried. */
    public static OkHttpClient boundedClient(OkHttpClient http, NotifySettings.Delivery delivery) {
        return http.newBuilder().callTimeout(delivery.timeout()).retryOnConnectionFailure(false)
                .followRedirects(false).build();
    }

    /** This server's name for messages: the kernel's hostname. */
    public static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
        }
    }

    public void start() {
        channels.forEach(ChannelDelivery::start);
    }

    @Override
    public void publish(MedicEvent event) {
        dispatch(tracker.onEvent(event));
    }

    /** Lets incidents that end by time alone (a host storm's window) resolve; call now and then. */
    public void onTime(Instant now) {
        dispatch(tracker.onTime(now));
    }

    private void dispatch(List<IncidentMessage> messages) {
        for (IncidentMessage m : messages) {
            for (ChannelDelivery c : channels) {
                if (c.wants(m)) {
                    c.enqueue(m);
                }
            }
        }
    }

    /** Messages waiting per channel. */
    public Map<String, Integer> waiting() {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        channels.forEach(c -> out.put(c.name(), c.waiting()));
        return out;
    }

    public Map<String, String> openIncidents() {
        return tracker.openIncidents();
    }

    @Override
    public void close() {
        channels.forEach(ChannelDelivery::close);
    }
}
