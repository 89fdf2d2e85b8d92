package dev.conduit.ipc.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for child JVMs with this JVM's classpath. JVM messages go to stderr
 * ({@code -XX:+DisplayVMOutputToStderr}): a child's stdout may be a {@code pipe:} channel.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** The words of a command that runs {@code main} with {@code args}; {@code jvmArgs} go before the class. */
    public static List<String> command(List<String> jvmArgs, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:+DisplayVMOutputToStderr");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-Xmx96m");
        command.add("-Xss512k");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    /** {@link #command} as one line for a {@code cmd=} option: words with spaces or quotes are single-quoted. */
    public static String commandLine(List<String> jvmArgs, Class<?> main, String... args) {
        return dev.conduit.ipc.Pipes.commandLine(command(jvmArgs, main, args));
    }
}
