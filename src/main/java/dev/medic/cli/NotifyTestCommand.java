package dev.medic.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.config.MedicConfig;
import dev.medic.config.NotifySettings;
import dev.medic.notify.IncidentMessage;
import dev.medic.notify.Notifications;
import dev.medic.notify.Notifier;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import okhttp3.OkHttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code medic notify-test}: sends one test message to every configured channel, directly (no spool, no
 * retries), and reports each result. Exit 0 when all were delivered, 1 when one failed or none is
 * configured, 78 on a bad config.
 */
@Command(name = "notify-test", description = "Send a test message to every notify channel and report each result.")
final class NotifyTestCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        Optional<MedicConfig> read = config.loadOrReport();
        if (read.isEmpty()) {
            return Main.EXIT_CONFIG;
        }
        MedicConfig loaded = read.get();
        NotifySettings settings = loaded.notifications();
        if (settings.channels().isEmpty()) {
            System.err.println("medic: no notify channel is configured (medic.notify: telegram, slack, webhook, email)");
            return Main.EXIT_UNHEALTHY;
        }
        String host = Notifications.hostName();
        Instant now = Instant.now();
        IncidentMessage test = new IncidentMessage("test-" + now.getEpochSecond(), IncidentMessage.State.OPEN, null,
                "warning", "notify_test", "medic test message from " + host,
                "This is a test of medic's notifications (medic notify-test). Nothing is wrong.", Optional.empty(),
                now, host);
        OkHttpClient http = Notifications.boundedClient(new OkHttpClient(), settings.delivery());
        ObjectMapper json = new ObjectMapper();
        boolean allOk = true;
        try {
            for (NotifySettings.Channel channel : settings.channels()) {
                Notifier notifier = Notifications.notifier(channel, http, json, settings.delivery());
                long start = System.nanoTime();
                try {
                    notifier.send(test);
                    System.out.printf("%-9s ok (%d ms)%n", channel.name(), (System.nanoTime() - start) / 1_000_000);
                } catch (IOException | RuntimeException e) {
                    allOk = false;
                    System.out.printf("%-9s FAILED: %s%n", channel.name(), e.getMessage());
                }
            }
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
        return allOk ? Main.EXIT_OK : Main.EXIT_UNHEALTHY;
    }
}
