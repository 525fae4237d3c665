package dev.medic.api;

import java.time.Duration;
import java.util.Optional;

/**
 * How long an operator's pause lasts: a duration of at most {@link #MAX}, or {@code forever} (until resumed),
 * which only an explicit {@code for=forever} (the CLI's {@code --for forever}) asks for. Without {@code for}
 * a pause lasts {@link #DEFAULT}: a forgotten pause must not switch healing off for good.
 *
 * @param length empty for a pause until resumed
 *
 * Immutable.
 */
public record PauseLength(Optional<Duration> length) {
    /** Longer maintenance is a pause until resumed, asked for by name. */
    public static final Duration MAX = Duration.ofDays(7);
    /** What {@code medic pause TARGET} without {@code --for} gets. */
    public static final Duration DEFAULT = Duration.ofHours(1);
    /** The value of {@code for} that pauses until resumed. */
    public static final String FOREVER = "forever";

    /** The pause of {@link #DEFAULT} length. */
    public static PauseLength byDefault() {
        return new PauseLength(Optional.of(DEFAULT));
    }

    /**
     * Reads {@code 90s}, {@code 30m}, {@code 2h}, {@code 7d} or {@code forever}.
     *
     * @throws IllegalArgumentException with a message for the operator, when the text is neither or too long
     */
    public static PauseLength parse(String text) {
        if (text.strip().equals(FOREVER)) {
            return new PauseLength(Optional.empty());
        }
        Duration d = ApiServer.parseDuration(text).orElseThrow(() -> new IllegalArgumentException(
                "expected a duration such as 90s, 30m or 2h (at most 7d), or \"forever\", got \"" + text + "\""));
        if (d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("at most 7d, got \"" + text + "\"; \"forever\" pauses until resumed");
        }
        return new PauseLength(Optional.of(d));
    }
}
