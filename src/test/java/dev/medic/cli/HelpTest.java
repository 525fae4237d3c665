package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.MedicVersion;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** {@code --help} on every command, {@code medic help CMD}, {@code --version}: read from the command tree itself. */
class HelpTest {
    /** Every subcommand medic has, so that a command added later is held to the same. */
    static Stream<String> commands() {
        return Main.commandLine().getSubcommands().keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandAnswersHelpWithItsUsageAndExitZero(String command) {
        CliRun run = CliRun.medic(command, "--help");

        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("Usage: medic " + command), run.out());
        assertTrue(run.out().contains("-h, --help"), run.out());
        assertEquals("", run.err());
    }

    @ParameterizedTest
    @MethodSource("commands")
    void helpCommandPrintsTheSameUsage(String command) {
        CliRun help = CliRun.medic("help", command);

        assertEquals(0, help.exit(), help.err());
        assertEquals(CliRun.medic(command, "-h").out(), help.out());
    }

    @Test
    void theCommandsMedicDocumentsAreAllThere() {
        assertTrue(commands().toList().containsAll(List.of("run", "check", "validate", "status", "pause", "resume",
                "history", "explain", "doctor", "notify-test", "version", "help")), commands().toList().toString());
    }

    @Test
    void versionAnswersOnTheTopCommandAndAsACommand() {
        CliRun flag = CliRun.medic("--version");
        assertEquals(0, flag.exit());
        assertEquals("medic " + MedicVersion.get() + "\n", flag.out());
        assertEquals(flag.out(), CliRun.medic("version").out());
    }

    @Test
    void helpOnAnUnknownCommandIsAUsageError() {
        CliRun run = CliRun.medic("help", "frobnicate");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("Unknown subcommand 'frobnicate'"), run.err());
        assertEquals(2, CliRun.medic("check", "--no-such-flag").exit());
    }
}
