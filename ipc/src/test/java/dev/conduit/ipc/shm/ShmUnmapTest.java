package dev.conduit.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Listener;
import dev.conduit.ipc.testing.Ids;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A closed shm link unmaps its segment at once, on both sides and on every path, without waiting for a garbage
 * collection: 1,000 connections in a row through a 64 MiB tmpfs (Docker's default {@code /dev/shm}) all succeed,
 * which they cannot if closed segments stay mapped (a 1 MiB ring makes a 2 MiB segment). The mount needs root; where
 * it cannot be made, the directory is an ordinary one and the test counts the mappings in {@code /proc/self/maps},
 * which it does in any case.
 */
class ShmUnmapTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Path dir;
    private boolean mounted;
    private final Conduit server = Conduit.builder().name("unmapsrv").build();
    private final Conduit client = Conduit.builder().name("unmapcli").build();

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "cq-tmpfs");
        if (Ids.uid() == 0) {
            Process mount = new ProcessBuilder(
                            "mount", "-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs", dir.toString())
                    .redirectErrorStream(true)
                    .start();
            mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        }
    }

    @AfterEach
    void unmount() throws Exception {
        client.close();
        server.close();
        if (mounted) {
            // Lazily, so that a failing run (segments still mapped) leaves no mount behind either.
            Process umount = new ProcessBuilder("umount", "-l", dir.toString())
                    .inheritIO()
                    .start();
            assertThat(umount.waitFor(30, TimeUnit.SECONDS) && umount.exitValue() == 0)
                    .as("unmounted the test's tmpfs")
                    .isTrue();
        }
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).as("files left").isEmpty();
        }
        Files.delete(dir);
    }

    @Test
    void aThousandConnectAndCloseCyclesLeaveNoMappingAndNeverFillA64MibTmpfs() throws Exception {
        Listener<byte[]> listener =
                server.listen("shm://*?dir=" + dir, Codecs.bytes(), ch -> ch.onMessage(Channel::send));
        long gcs = collections();
        int start = mappings();
        for (int i = 0; i < 1000; i++) {
            Channel<byte[]> channel = client.connect(listener.endpoint(), Codecs.bytes());
            channel.send(new byte[] {(byte) i});
            assertThat(channel.receive(TIMEOUT)).as("cycle %d", i).containsExactly((byte) i);
            Channel<byte[]> served = listener.channels().iterator().next();
            channel.close();
            assertThat(channel.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo(CloseReason.LOCAL);
            assertThat(served.closeFuture()
                            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                            .kind())
                    .isEqualTo(CloseReason.Kind.PEER);
            assertThat(mappings())
                    .as("segments mapped after cycle %d (both sides closed)", i)
                    .isEqualTo(start);
        }
        System.out.printf(
                "1000 cycles in %s: %d mappings of it at the end, %d garbage collections meanwhile%n",
                mounted ? "a 64 MiB tmpfs" : "a plain directory", mappings(), collections() - gcs);
    }

    @Test
    void refusedHandshakesAndRuntimeCloseUnmapAtOnce() throws Exception {
        int start = mappings();
        Listener<byte[]> listener =
                server.listen("shm://*?dir=" + dir + "&allowUids=" + (Ids.uid() + 1), Codecs.bytes());
        // The client trusts the listener's uid (its own), maps its segment and says hello; the listener refuses it.
        String uri = "shm://" + listener.endpoint().address() + "?dir=" + dir;
        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> client.connect(uri, Codecs.bytes()))
                    .isInstanceOf(ConnectFailedException.class)
                    .hasMessageContaining("the listener refused the connection")
                    .hasMessageContaining("not the client's uid " + Ids.uid());
            assertThat(mappings()).as("after refusal %d", i).isEqualTo(start);
        }
        listener.close();
        Listener<byte[]> open = server.listen("shm://*?dir=" + dir, Codecs.bytes());
        for (int i = 0; i < 8; i++) {
            client.connect(open.endpoint(), Codecs.bytes());
        }
        assertThat(mappings()).as("8 open links, mapped on both sides").isEqualTo(start + 16);
        client.close();
        server.close();
        assertThat(mappings()).as("after both runtimes closed").isEqualTo(start);
    }

    private int mappings() throws IOException {
        return (int) Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(l -> l.contains(dir.toString()))
                .count();
    }

    private static long collections() {
        List<GarbageCollectorMXBean> beans = ManagementFactory.getGarbageCollectorMXBeans();
        return beans.stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount)
                .sum();
    }
}
