package dev.conduit.ipc.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.ipc.testing.TempDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What is in and around a queue's directory: other files, foreign files, other users. */
class QueueDirectoryTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int NOBODY = 65534;

    private final Path dir = TempDirs.create();
    private final Conduit conduit = Conduit.builder().name("dirs").build();

    @AfterEach
    void cleanUp() {
        conduit.close();
        TempDirs.delete(dir);
    }

    @Test
    void filesThatAreNotTheQueuesAreIgnoredAndLeftAsTheyWere() throws Exception {
        Path q = dir.resolve("q");
        Files.createDirectories(q, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        byte[] garbage = new byte[10_000];
        new Random(7).nextBytes(garbage);
        for (String name : List.of("notes.txt", "123.seg", ".hidden", "readers.bak")) {
            Files.write(q.resolve(name), garbage);
        }
        Files.createDirectory(q.resolve("sub"));
        Channel<String> channel = conduit.connect("queue://" + q + "?reader=r", Codecs.text());
        channel.send("through the clutter");
        assertThat(channel.receive(TIMEOUT)).isEqualTo("through the clutter");
        assertThat(Queues.info(q).segments()).hasSize(1);
        for (String name : List.of("notes.txt", "123.seg", ".hidden", "readers.bak")) {
            assertThat(Files.readAllBytes(q.resolve(name))).as(name).isEqualTo(garbage);
        }
        assertThat(Files.isDirectory(q.resolve("sub"))).isTrue();
    }

    @Test
    void aForeignFileUnderTheNextSegmentsNameFailsTheSendNamingItAndIsNeverOverwritten() throws Exception {
        Path q = dir.resolve("q");
        String uri = "queue://" + q + "?segmentSize=64k";
        Channel<byte[]> writer = conduit.connect(uri, Codecs.bytes());
        writer.send(new byte[1000]).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Path next = q.resolve("00000000000000000001.seg");
        byte[] garbage = new byte[64 << 10];
        new Random(3).nextBytes(garbage);
        Files.write(next, garbage);
        Throwable failure = null;
        for (int i = 0; i < 200 && failure == null; i++) {
            try {
                writer.send(new byte[1000]).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                failure = e.getCause();
            }
        }
        assertThat(failure).as("a send that needed segment 1").isNotNull();
        assertThat(writer.isOpen()).isTrue();
        assertThat(failure.getMessage()).contains(next.toString()).contains("is not segment 1");
        assertThat(Files.readAllBytes(next)).as("the foreign file").isEqualTo(garbage);
        Channel<byte[]> reader = conduit.connect(uri + "&reader=r&from=start", Codecs.bytes());
        assertThat(reader.receive(TIMEOUT))
                .as("what was written before is readable")
                .hasSize(1000);
    }

    @Test
    void aDirectoryOfAnotherUserIsRefusedNamingBothUids() throws Exception {
        Path q = dir.resolve("theirs");
        Files.createDirectory(q, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        chown(q, NOBODY);
        assertThatThrownBy(() -> conduit.connect("queue://" + q, Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("uid " + NOBODY)
                .hasMessageContaining(q.toString());
        assertThat(Files.list(q).count()).as("nothing created in it").isZero();
    }

    @Test
    void aDirectoryOtherUsersCanWriteIsRefused() throws Exception {
        Path q = dir.resolve("open");
        Files.createDirectory(q);
        Files.setPosixFilePermissions(q, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> conduit.connect("queue://" + q, Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("writable by other users")
                .hasMessageContaining("rwx------");
    }

    @Test
    void aLinkInPlaceOfTheDirectoryIsRefused() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        assertThatThrownBy(() -> conduit.connect("queue://" + link, Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("link");
    }

    @Test
    void anotherUsersProcessIsRefusedAndReadsNothing() throws Exception {
        Path q = dir.resolve("mine");
        conduit.connect("queue://" + q, Codecs.text()).send("private").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        // Let the other user reach the queue's own directory, whose mode (0700) and owner are what is tested.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> command = new ArrayList<>(List.of(
                "setpriv",
                "--reuid=" + NOBODY,
                "--regid=" + NOBODY,
                "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx96m",
                "-cp",
                readableClasspath(Files.createDirectory(dir.resolve("cp"))),
                QueueProbeMain.class.getName(),
                "queue://" + q + "?reader=spy&from=start"));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "skipped: setpriv is not available: " + e.getMessage());
            return;
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assumeTrue(
                !output.contains("Could not find or load main class") && !output.contains("setpriv:"),
                "skipped: uid " + NOBODY + " cannot run the test classes here: "
                        + output.lines().findFirst().orElse(""));
        assertThat(output)
                .as("the probe's output")
                .contains("refused:")
                .contains(q.toString())
                .contains("uid 0")
                .doesNotContain("private");
        assertThat(p.exitValue()).isEqualTo(1);
    }

    /**
     * The test classpath with its jars copied into {@code into}, readable by everyone: the local Maven repository is
     * often readable by its owner only.
     */
    private static String readableClasspath(Path into) throws Exception {
        Files.setPosixFilePermissions(into, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path source = Path.of(entry);
            if (Files.isRegularFile(source)) {
                Path copy = into.resolve((n++) + "-" + source.getFileName());
                Files.copy(source, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                entries.add(copy.toString());
            } else {
                entries.add(entry);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static void chown(Path path, int uid) throws Exception {
        Process p = new ProcessBuilder("chown", uid + ":" + uid, path.toString())
                .inheritIO()
                .start();
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "skipped: cannot chown (needs root)");
    }
}
