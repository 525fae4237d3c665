package dev.medic.config;

import java.util.Objects;

/**
 * A credential read from a file or the environment (a bot token, a webhook URL, a password). Its
 * {@link #toString()} never shows the value, so a secret cannot leak into a log line or an exception by
 * being printed; only {@link #reveal()} gives it, at the point of use. Immutable.
 *
 * @param source where it came from, for messages: "file /etc/medic/telegram.token" or "env MEDIC_SLACK_URL"
 */
public record Secret(String source, String value) {
    public Secret {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(value, "value");
    }

    /** The secret itself; never log it. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "secret from " + source;
    }
}
