package dev.conduit.ipc.testing;

import dev.conduit.core.testkit.JavaCommand;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for child JVMs with this JVM's classpath and leak detection ({@link JavaCommand}). JVM messages go to
 * stderr ({@code -XX:+DisplayVMOutputToStderr}): a child's stdout may be a {@code pipe:} channel.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** The words of a command that runs {@code main} with {@code args}; {@code jvmArgs} go before the class. */
    public static List<String> command(List<String> jvmArgs, Class<?> main, String... args) {
        List<String> options = new ArrayList<>(List.of(
                "-XX:+DisplayVMOutputToStderr", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx96m", "-Xss512k"));
        options.addAll(jvmArgs);
        return JavaCommand.of(options, main, args);
    }

    /** {@link #command} as one line for a {@code cmd=} option: words with spaces or quotes are single-quoted. */
    public static String commandLine(List<String> jvmArgs, Class<?> main, String... args) {
        return dev.conduit.ipc.Pipes.commandLine(command(jvmArgs, main, args));
    }
}
