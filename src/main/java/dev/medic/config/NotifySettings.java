package dev.medic.config;

import dev.medic.core.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where incidents are told (DESIGN.md §2 {@code medic.notify}): every channel is optional. Immutable.
 *
 * @param minSeverity incidents below it are told to no channel (warning or err)
 * @param delivery how hard each channel is tried before a message waits in the spool
 */
public record NotifySettings(Severity minSeverity, Delivery delivery, List<Channel> channels) {
    public NotifySettings {
        channels = List.copyOf(channels);
    }

    /** No channel: nothing is told outside the journal. */
    public static NotifySettings none() {
        return new NotifySettings(Severity.WARNING, Delivery.DEFAULT, List.of());
    }

    /**
     * Retries and spooling of each channel.
     *
     * @param attempts tries of one message in a row (with back-off) before it is left in the spool
     * @param backoff the wait after the first failed try; doubled after each further one
     * @param redeliverEvery how often messages left in the spool are tried again
     * @param timeout bound on one try (connect, send, answer)
     * @param spoolMax messages kept per channel; beyond it the oldest is dropped, with a warning
     */
    public record Delivery(int attempts, Duration backoff, Duration redeliverEvery, Duration timeout, int spoolMax) {
        public static final Delivery DEFAULT = new Delivery(3, Duration.ofSeconds(2), Duration.ofMinutes(1),
                Duration.ofSeconds(10), 500);
    }

    /**
     * Which incidents a channel hears of.
     *
     * @param minSeverity the channel hears of an incident once it is at least this severe
     * @param targets the targets it hears of; empty means all, host-wide incidents included
     */
    public record Routing(Severity minSeverity, List<String> targets) {
        public Routing {
            targets = List.copyOf(targets);
        }

        public boolean covers(String target) {
            return targets.isEmpty() || target == null || targets.contains(target);
        }
    }

    /** One configured channel. */
    public sealed interface Channel permits Telegram, Slack, Webhook, Email {
        /** The channel's config name, which is also its name in logs and {@code medic notify-test}. */
        String name();

        Routing routing();
    }

    /** Telegram Bot API: {@code POST {apiUrl}/bot{token}/sendMessage}. */
    public record Telegram(Secret botToken, String chatId, String apiUrl, Routing routing) implements Channel {
        @Override
        public String name() {
            return "telegram";
        }
    }

    /** A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat): {@code POST {"text": ...}}. */
    public record Slack(Secret webhookUrl, Routing routing) implements Channel {
        @Override
        public String name() {
            return "slack";
        }
    }

    /** The generic JSON webhook of DESIGN.md §2, with optional extra headers (from a file: they may hold tokens). */
    public record Webhook(String url, Optional<Secret> headers, Routing routing) implements Channel {
        @Override
        public String name() {
            return "webhook";
        }

        /** The headers file's "Name: value" lines. */
        public Map<String, String> headerMap() {
            return headers.map(h -> NotifyConfigReader.parseHeaders(h.reveal())).orElse(Map.of());
        }
    }

    /**
     * E-mail over SMTP.
     *
     * @param starttls upgrade to TLS before authenticating, and refuse to go on in clear text
     */
    public record Email(HostPort smtp, boolean starttls, Optional<String> user, Optional<Secret> password,
                        String from, List<String> to, Routing routing) implements Channel {
        public Email {
            to = List.copyOf(to);
        }

        @Override
        public String name() {
            return "email";
        }
    }
}
