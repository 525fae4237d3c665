package dev.medic.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code medic resume TARGET}: ends a pause. Prints {@code resumed api, which is HEALTHY}. */
@Command(name = "resume", description = "Heal TARGET again after a pause.")
final class ResumeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TARGET", description = "The target's name, as in medic status.")
    String target;

    @Option(names = "--json", description = "Print the daemon's answer as JSON: target, phase, until.")
    boolean asJson;

    @Mixin
    DaemonApiOption daemon;

    @Override
    public Integer call() throws InterruptedException {
        String path = "/targets/" + URLEncoder.encode(target, StandardCharsets.UTF_8) + "/resume";
        return TargetActions.report(daemon.send("POST", path), target, asJson, ResumeCommand::sentence);
    }

    /** {@code resumed api, which is FAILING}: the phase tells whether healing is on again. */
    static String sentence(TargetActions.Answer a) {
        if ("PAUSED".equals(a.phase())) {
            return "asked to resume " + a.name() + ", which is still PAUSED";
        }
        return "resumed " + a.name() + ", which is " + a.shownPhase();
    }
}
