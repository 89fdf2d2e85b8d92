package dev.conduit.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code conduit queue}: looks at {@code queue://} directories; see {@link QueueInfoCommand}. */
@Command(
        name = "queue",
        mixinStandardHelpOptions = true,
        description = "Look at a queue:// directory without reading it.",
        subcommands = {QueueInfoCommand.class})
final class QueueCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
