package dev.medic.cli;

import dev.medic.MedicVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code medic} command. Exit codes: 0 ok, 1 unhealthy, 2 usage, 69 daemon unreachable, 78 bad
 * config. A user error never prints a stack trace.
 *
 * <p>{@code -h/--help} and {@code -V/--version} are inherited by every subcommand ({@code scope = INHERIT}), so a
 * command added later answers {@code --help} without remembering to; {@code medic help CMD} is picocli's own.
 */
@Command(name = "medic", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        description = "Self-healing watchdog for Docker hosts.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {" 0:ok", " 1:unhealthy: a check failed, or doctor found a problem",
                " 2:usage: an unknown command, option or target, or a value it refuses",
                "69:no daemon answers (or its local API is disabled)", "78:the configuration is rejected"},
        subcommands = {RunCommand.class, CheckCommand.class, ValidateCommand.class, StatusCommand.class,
                PauseCommand.class, ResumeCommand.class, HistoryCommand.class, ExplainCommand.class, DoctorCommand.class,
                NotifyTestCommand.class, VersionCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_UNHEALTHY = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNAVAILABLE = 69;
    public static final int EXIT_CONFIG = 78;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Only the daemon logs to stdout; the other commands print their own report there.
        if (System.getProperty("MEDIC_LOG_LEVEL") == null && System.getenv("MEDIC_LOG_LEVEL") == null
                && (args.length == 0 || !args[0].equals("run"))) {
            System.setProperty("MEDIC_LOG_LEVEL", "OFF");
        }
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (without exiting). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The whole command tree, as run and as the man page describes it ({@link ManPage}). */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("medic: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return EXIT_UNHEALTHY;
        });
        return cli;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** Supplies {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"medic " + MedicVersion.get()};
        }
    }
}
