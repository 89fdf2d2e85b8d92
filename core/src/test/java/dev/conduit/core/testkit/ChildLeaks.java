package dev.conduit.core.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Netty leak detection for child JVMs (peers, agents, servers) that tests start: {@link #jvmArgs()} gives a child the
 * test JVM's own PARANOID flags and a directory where its {@link FailingLeakDetector} writes every leak it finds,
 * including those of a last collection when the child exits; {@link LeakCheckExtension} fails the test (or the class,
 * for children that end after its last test) when a child has written one.
 *
 * <p>A child killed with SIGKILL reports what was found until then: that is all a killed process can do.
 */
public final class ChildLeaks {
    /** The system property that tells a child's detector where to write. */
    static final String DIR_PROPERTY = "conduit.test.childLeaks";

    private static final String[] FLAGS = {
        "io.netty.leakDetection.level", "io.netty.leakDetection.targetRecords", "io.netty.customResourceLeakDetector"
    };
    private static final Object LOCK = new Object();
    private static Path dir;
    /** Per report file, how much of it has been reported already. */
    private static final Map<Path, Long> READ = new HashMap<>();

    private ChildLeaks() {}

    /** JVM options for a child: this JVM's leak detection flags, and where to report leaks. */
    public static List<String> jvmArgs() {
        List<String> args = new ArrayList<>();
        for (String flag : FLAGS) {
            String value = System.getProperty(flag);
            if (value != null) {
                args.add("-D" + flag + "=" + value);
            }
        }
        args.add("-D" + DIR_PROPERTY + "=" + dir());
        return args;
    }

    /** Leaks children have reported since the last call. */
    public static List<String> drain() {
        List<String> leaks = new ArrayList<>();
        synchronized (LOCK) {
            if (dir == null) {
                return leaks;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                    byte[] all = Files.readAllBytes(f);
                    long seen = READ.getOrDefault(f, 0L);
                    if (all.length > seen) {
                        leaks.add(f.getFileName() + ": "
                                + new String(all, (int) seen, (int) (all.length - seen), StandardCharsets.UTF_8));
                        READ.put(f, (long) all.length);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the children's leak reports in " + dir, e);
            }
        }
        return leaks;
    }

    /** In a child: appends {@code leak} to this process's report file, if the parent asked for one. */
    static void report(String leak) {
        String where = System.getProperty(DIR_PROPERTY);
        if (where == null) {
            return;
        }
        String main = System.getProperty("sun.java.command", "java").split(" ", 2)[0];
        String name = "leaks-" + main.substring(main.lastIndexOf('.') + 1) + "-"
                + ProcessHandle.current().pid() + ".txt";
        try {
            Files.writeString(
                    Path.of(where, name),
                    leak + "\n\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("cannot report a Netty leak to " + where + ": " + e + "\n" + leak);
        }
    }

    /** Whether this JVM is a child that reports its leaks to a parent. */
    static boolean isReportingChild() {
        return System.getProperty(DIR_PROPERTY) != null;
    }

    private static Path dir() {
        synchronized (LOCK) {
            if (dir == null && isReportingChild()) {
                dir = Path.of(System.getProperty(DIR_PROPERTY)); // a child's own children report where it does
            }
            if (dir == null) {
                try {
                    dir = Files.createTempDirectory("conduit-child-leaks-");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Path created = dir;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(created)));
            }
            return dir;
        }
    }

    private static void deleteQuietly(Path d) {
        try (Stream<Path> files = Files.list(d)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(d);
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
