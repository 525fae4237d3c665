package dev.medic.notify;

import java.io.IOException;

/**
 * One channel that can tell an operator of an incident (Telegram, Slack, a webhook, e-mail). A send either
 * succeeds or throws; it is bounded in time by the implementation. The exception's message must never
 * hold a secret (token, webhook URL, password): it goes to the journal. Implementations are thread-safe.
 */
public interface Notifier {
    /** The channel's config name: telegram, slack, webhook or email. */
    String name();

    /** Delivers one message, or throws saying why it was not delivered. */
    void send(IncidentMessage message) throws IOException;

    /** How a channel sends one message. */
    @FunctionalInterface
    interface Sender {
        void send(IncidentMessage message) throws IOException;
    }

    /** The channel {@code name} that sends with {@code sender}. */
    static Notifier named(String name, Sender sender) {
        return new Notifier() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void send(IncidentMessage message) throws IOException {
                sender.send(message);
            }
        };
    }
}
