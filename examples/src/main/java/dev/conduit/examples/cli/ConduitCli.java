package dev.conduit.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code conduit} command-line tool: {@code listen}, {@code send}, {@code ping}, {@code tour}, the key-value store
 * ({@code kv-server}, {@code kv}), the RPC tools ({@code call}, {@code health}) and the queue tools ({@code tail},
 * {@code queue info}), over any URI whose transport is on the classpath. Errors print one line, {@code conduit:
 * <message>}, and exit with code 1; usage errors exit with 64. Only warnings are logged, one line each on stderr,
 * unless {@code --verbose}.
 */
@Command(
        name = "conduit",
        mixinStandardHelpOptions = true,
        version = "conduit 0.1.0",
        description =
                "Talk to any Conduit endpoint: tcp://, udp://, unix://, shm://, pipe:, fifo://, queue://, inproc://,"
                        + " nats://",
        footer = "Exit codes: 0 success; 1 failure (one line on stderr); 2 kv: key not found; 64 usage error;"
                + " call and health: 64+status code when a call fails, health: 4 not SERVING.",
        subcommands = {
            ListenCommand.class,
            SendCommand.class,
            PingCommand.class,
            TourCommand.class,
            KvServerCommand.class,
            KvCommand.class,
            CallCommand.class,
            HealthCommand.class,
            TailCommand.class,
            QueueCommand.class,
            CommandLine.HelpCommand.class
        })
public final class ConduitCli implements Runnable {
    /** The exit code of a command line that cannot be parsed (sysexits' EX_USAGE). */
    static final int USAGE_ERROR = 64;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "log what the libraries say at INFO and DEBUG too, with stack traces (default: warnings)")
    void verbose(boolean on) {
        CliLogging.verbose(on);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A configured command line; tests set its output streams. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ConduitCli());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // Usage errors get their own code (sysexits' EX_USAGE), apart from kv's 1 and 2.
        cli.getCommandSpec().exitCodeOnInvalidInput(USAGE_ERROR);
        usageErrorsExit64(cli); // subcommands' subcommands too: conduit queue info
        cli.setParameterExceptionHandler(Failures::usage);
        cli.setExecutionExceptionHandler(Failures::failure);
        return cli;
    }

    private static void usageErrorsExit64(CommandLine command) {
        for (CommandLine sub : command.getSubcommands().values()) {
            sub.getCommandSpec().exitCodeOnInvalidInput(USAGE_ERROR);
            usageErrorsExit64(sub);
        }
    }

    public static void main(String[] args) {
        CliLogging.install();
        System.exit(commandLine().execute(args));
    }
}
