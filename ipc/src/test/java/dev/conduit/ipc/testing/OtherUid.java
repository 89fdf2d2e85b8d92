package dev.conduit.ipc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Child JVMs that run as another user: uid and gid {@value #UID} ({@code nobody}), started through {@code setpriv
 * --reuid --regid --clear-groups}, which only root may do. For tests of what another user on the host can and cannot
 * do to a listener, and of what each side learns about the other's uid.
 *
 * <p>The test JVM's class path usually lies under directories that {@code nobody} cannot read (the Maven repository
 * under {@code /root}, or a private one), so the first use copies every class path entry into a world-readable
 * directory under {@code /tmp}, once per JVM, removed when the JVM exits. Thread-safe.
 */
public final class OtherUid {
    /** The uid (and gid) children run as. */
    public static final int UID = 65534;

    private static Path classPathCopy;

    private OtherUid() {}

    /** Skips the calling test, saying why, unless this JVM can start children as {@value #UID}: root and setpriv. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(
                Ids.uid() == 0,
                "needs root to start a child as uid " + UID + " (this test runs as uid " + Ids.uid() + ")");
        Assumptions.assumeTrue(
                setpriv() != null, "needs setpriv (util-linux) to start a child as uid " + UID + "; none on PATH");
    }

    /** The words that run {@code main} with {@code args} in a child JVM as uid {@value #UID}. */
    public static List<String> command(List<String> jvmArgs, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(
                List.of(String.valueOf(setpriv()), "--reuid=" + UID, "--regid=" + UID, "--clear-groups", "--"));
        List<String> java = ChildJvm.command(jvmArgs, main, args);
        int cp = java.indexOf("-cp");
        java.set(cp + 1, readableClassPath());
        java.add(1, "-XX:-UsePerfData"); // no hsperfdata directory of nobody's left in /tmp
        command.addAll(java);
        return command;
    }

    /** Starts {@code main} as uid {@value #UID} and waits for the first line it prints. */
    public static Launch.Started start(Class<?> main, String... args) {
        return Launch.start(command(List.of(), main, args), main.getSimpleName());
    }

    /**
     * Makes {@code dir} (and each parent up to {@code /tmp}) searchable by others, so that a child of another uid can
     * reach sockets there; the directory's own files keep their modes.
     */
    public static void letOthersIn(Path dir) {
        try {
            for (Path p = dir; p != null && !p.equals(Path.of("/tmp")) && !p.equals(Path.of("/")); p = p.getParent()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path setpriv() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, "setpriv");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, "setpriv");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** The test class path, copied once into a directory every user may read. */
    private static synchronized String readableClassPath() {
        try {
            if (classPathCopy == null) {
                Path root = Files.createTempDirectory(
                        Path.of("/tmp"),
                        "conduit-cp-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> TempDirs.delete(root)));
                classPathCopy = root;
                String[] entries = System.getProperty("java.class.path").split(java.io.File.pathSeparator);
                List<String> copied = new ArrayList<>();
                for (int i = 0; i < entries.length; i++) {
                    Path from = Path.of(entries[i]);
                    if (!Files.exists(from)) {
                        continue;
                    }
                    Path to = root.resolve(i + (Files.isDirectory(from) ? "" : ".jar"));
                    copy(from, to);
                    copied.add(to.toString());
                }
                Files.writeString(root.resolve("classpath"), String.join(java.io.File.pathSeparator, copied));
            }
            return Files.readString(classPathCopy.resolve("classpath"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
            return;
        }
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(p, target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }
}
