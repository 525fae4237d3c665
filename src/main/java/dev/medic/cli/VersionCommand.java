package dev.medic.cli;

import dev.medic.MedicVersion;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code medic version}. */
@Command(name = "version", description = "Print medic's version.")
final class VersionCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("medic " + MedicVersion.get());
        return Main.EXIT_OK;
    }
}
