package dev.conduit.core.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that a test starts (a peer, an agent, a server): this JVM's {@code java} and
 * classpath, and its Netty leak detection ({@link ChildLeaks}), so that a leak in the child fails the test.
 */
public final class JavaCommand {
    private JavaCommand() {}

    /** The words of a command that runs {@code main} with {@code args}; {@code jvmArgs} go before the class. */
    public static List<String> of(List<String> jvmArgs, Class<?> main, String... args) {
        return of(jvmArgs, main.getName(), args);
    }

    /** Like {@link #of(List, Class, String...)}, for a main class named {@code main}. */
    public static List<String> of(List<String> jvmArgs, String main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ChildLeaks.jvmArgs());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main);
        command.addAll(List.of(args));
        return command;
    }
}
