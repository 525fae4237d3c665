package dev.medic.cli;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code medic pause TARGET [--for 30m]}: maintenance through the running daemon; checks go on, no healing. */
@Command(name = "pause", description = "Stop healing TARGET (checks go on) until --for runs out or it is resumed.")
final class PauseCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TARGET", description = "The target's name, as in medic status.")
    String target;

    @Option(names = "--for", paramLabel = "DURATION", description = "How long, e.g. 90s, 30m, 2h (default: until resumed).")
    String duration;

    @Mixin
    DaemonApiOption daemon;

    @Override
    public Integer call() throws InterruptedException {
        if (duration != null && dev.medic.api.ApiServer.parseDuration(duration).isEmpty()) {
            System.err.println("medic: --for: expected a duration such as 90s, 30m or 2h, got \"" + duration + "\"");
            return Main.EXIT_USAGE;
        }
        String path = "/targets/" + URLEncoder.encode(target, StandardCharsets.UTF_8) + "/pause"
                + (duration == null ? "" : "?for=" + URLEncoder.encode(duration, StandardCharsets.UTF_8));
        return TargetActions.report(daemon.send("POST", path), target);
    }
}
