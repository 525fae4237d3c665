package dev.medic.cli;

import dev.medic.api.PauseLength;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code medic pause TARGET [--for 30m | --for forever]}: maintenance through the running daemon; checks go on, no
 * healing. Without {@code --for} the pause lasts {@link PauseLength#DEFAULT}; {@code --for} takes up to 7 days, or
 * {@code forever} for a pause that lasts until {@code medic resume}.
 */
@Command(name = "pause", description = "Stop healing TARGET (checks go on) until --for runs out or it is resumed.")
final class PauseCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TARGET", description = "The target's name, as in medic status.")
    String target;

    @Option(names = "--for", paramLabel = "DURATION",
            description = "How long, e.g. 90s, 30m, 2h, at most 7d; \"forever\" until medic resume (default: 1h).")
    String duration;

    @Mixin
    DaemonApiOption daemon;

    @Override
    public Integer call() throws InterruptedException {
        if (duration != null) {
            try {
                PauseLength.parse(duration);
            } catch (IllegalArgumentException e) {
                System.err.println("medic: --for: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
        }
        String path = "/targets/" + URLEncoder.encode(target, StandardCharsets.UTF_8) + "/pause"
                + (duration == null ? "" : "?for=" + URLEncoder.encode(duration.strip(), StandardCharsets.UTF_8));
        int exit = TargetActions.report(daemon.send("POST", path), target);
        if (exit == Main.EXIT_OK && duration == null) {
            System.err.println("medic: paused for " + PauseLength.DEFAULT.toHours() + "h, the default; --for sets the "
                    + "length (up to 7d), --for forever pauses until medic resume");
        }
        return exit;
    }
}
