package dev.medic.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code medic resume TARGET}: ends a pause. */
@Command(name = "resume", description = "Heal TARGET again after a pause.")
final class ResumeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TARGET", description = "The target's name, as in medic status.")
    String target;

    @Mixin
    DaemonApiOption daemon;

    @Override
    public Integer call() throws InterruptedException {
        String path = "/targets/" + URLEncoder.encode(target, StandardCharsets.UTF_8) + "/resume";
        return TargetActions.report(daemon.send("POST", path), target);
    }
}
