package dev.medic.cli;

import dev.medic.api.PauseLength;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code medic pause TARGET [--for 30m | --for forever]}: maintenance through the running daemon; checks go on, no
 * healing. Without {@code --for} the pause lasts {@link PauseLength#DEFAULT}; {@code --for} takes what the config
 * file takes for a duration ({@link DurationText}) up to 7 days, or {@code forever} for a pause that lasts until
 * {@code medic resume}. Prints {@code paused api until 14:05 (1h)}.
 */
@Command(name = "pause", description = "Stop healing TARGET (checks go on) until --for runs out or it is resumed.")
final class PauseCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TARGET", description = "The target's name, as in medic status.")
    String target;

    @Option(names = "--for", paramLabel = "DURATION",
            description = "How long, e.g. 90s, 30m, 1h30m, \"2 hours\", at most 7d; \"forever\" until medic resume"
                    + " (default: 1h).")
    String duration;

    @Option(names = "--json", description = "Print the daemon's answer as JSON: target, phase, until.")
    boolean asJson;

    @Mixin
    DaemonApiOption daemon;

    @Override
    public Integer call() throws InterruptedException {
        // Empty: until resumed.
        Optional<Duration> length = Optional.of(PauseLength.DEFAULT);
        String query = "";
        if (duration != null) {
            if (duration.strip().equalsIgnoreCase(PauseLength.FOREVER)) {
                length = Optional.empty();
                query = "?for=" + PauseLength.FOREVER;
            } else {
                try {
                    Duration d = DurationText.parse(duration);
                    if (d.compareTo(PauseLength.MAX) > 0) {
                        throw new IllegalArgumentException("at most " + TimeText.length(PauseLength.MAX) + ", got \""
                                + dev.medic.core.Printable.line(duration) + "\"; \"forever\" pauses until resumed");
                    }
                    query = "?for=" + DurationText.forApi(d);
                    length = Optional.of(d);
                } catch (IllegalArgumentException e) {
                    System.err.println("medic: --for: " + e.getMessage());
                    return Main.EXIT_USAGE;
                }
            }
        }
        String path = "/targets/" + URLEncoder.encode(target, StandardCharsets.UTF_8) + "/pause" + query;
        TimeText time = TimeText.system();
        Optional<Duration> asked = length;
        int exit = TargetActions.report(daemon.send("POST", path), target, asJson, a -> sentence(a, asked, time));
        if (exit == Main.EXIT_OK && duration == null) {
            System.err.println("medic: paused for " + TimeText.length(PauseLength.DEFAULT) + ", the default; --for sets"
                    + " the length (up to 7d), --for forever pauses until medic resume");
        }
        return exit;
    }

    /** {@code paused api until 14:05 (1h)}, or {@code paused api until medic resume api}. */
    static String sentence(TargetActions.Answer a, Optional<Duration> asked, TimeText time) {
        if (!"PAUSED".equals(a.phase())) {
            return "asked to pause " + a.name() + ", which is " + a.shownPhase();
        }
        if (a.end().isEmpty()) {
            return "paused " + a.name() + " until medic resume " + a.name();
        }
        return "paused " + a.name() + " until " + time.clock(a.end().get()) + " ("
                + asked.map(TimeText::length).orElseGet(() -> time.age(a.end().get())) + ")";
    }
}
