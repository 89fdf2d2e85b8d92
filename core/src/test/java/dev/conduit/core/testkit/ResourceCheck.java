package dev.conduit.core.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What a test can count of this JVM's resources: threads by name, the file descriptors it opened. */
public final class ResourceCheck {
    private static final Path FDS = Path.of("/proc/self/fd");

    static {
        openTheJdksOwnDescriptors();
    }

    private ResourceCheck() {}

    /** Names of live threads whose name starts with {@code prefix}. */
    public static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith(prefix))
                .sorted()
                .collect(Collectors.toList());
    }

    /**
     * The file descriptors open in this process now, each with what it points at; compare a later state with {@link
     * #openedSince}. Empty where the OS has no {@code /proc/self/fd} (not Linux). On Linux it must work: a failure to
     * read it fails the test, so that a leak check cannot turn itself off.
     */
    public static Map<Integer, String> fileDescriptors() {
        if (!isLinux()) {
            return Map.of();
        }
        Map<Integer, String> open = new TreeMap<>();
        try (Stream<Path> s = Files.list(FDS)) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                try {
                    open.put(
                            Integer.valueOf(fd.getFileName().toString()),
                            Files.readSymbolicLink(fd).toString());
                } catch (NoSuchFileException closedMeanwhile) {
                    // closed between the listing and the read (the listing's own descriptor, say): not open
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + FDS + " on Linux, so the fd leak check cannot run", e);
        }
        return open;
    }

    /**
     * Descriptors open now that were not open (or pointed elsewhere) in {@code before}, as {@code fd -> target}:
     * what was opened since and is still open. The JVM's own lazily opened files are left out: jars it opens to load
     * classes and the random devices that {@code SecureRandom} keeps open; neither is the code under test's.
     */
    public static List<String> openedSince(Map<Integer, String> before) {
        List<String> opened = new ArrayList<>();
        String listing = "/proc/" + ProcessHandle.current().pid() + "/fd"; // the descriptor of the listing itself
        fileDescriptors().forEach((fd, target) -> {
            if (!target.equals(before.get(fd)) && !jvmOwn(target) && !target.equals(listing)) {
                opened.add(fd + " -> " + target);
            }
        });
        return opened;
    }

    /** Whether fds can be listed here, so that {@link #openedSince} sees leaks; true on Linux. */
    public static boolean canListFileDescriptors() {
        return isLinux();
    }

    /**
     * The JDK opens some descriptors once, on first use, and keeps them for good (the socket pair behind its
     * pre-close trick, say): use sockets and a selector once, so that a test's snapshot already has them.
     */
    private static void openTheJdksOwnDescriptors() {
        try (ServerSocket s = new ServerSocket();
                ServerSocketChannel tcp = ServerSocketChannel.open();
                SocketChannel unix = SocketChannel.open(StandardProtocolFamily.UNIX);
                DatagramChannel udp = DatagramChannel.open();
                Selector selector = Selector.open()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the sockets the fd check warms up with", e);
        }
    }

    private static boolean jvmOwn(String target) {
        return target.endsWith(".jar") || target.equals("/dev/random") || target.equals("/dev/urandom");
    }

    private static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
    }
}
