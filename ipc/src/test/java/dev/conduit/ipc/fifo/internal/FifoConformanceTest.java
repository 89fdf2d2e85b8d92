package dev.conduit.ipc.fifo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Endpoint;
import dev.conduit.core.testkit.ChannelConformanceSuite;
import dev.conduit.core.testkit.Peer;
import dev.conduit.ipc.testing.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;

/**
 * The conformance suite over {@code fifo://}, with the peer in a child JVM ({@link FifoPeer}). A fifo listener here
 * serves one channel at a time, hence {@link #channelsPerLocalListener()} of 1.
 */
class FifoConformanceTest extends ChannelConformanceSuite {
    private final Path dir = TempDirs.create();
    private final AtomicInteger names = new AtomicInteger();

    @AfterAll
    void removeDir() {
        TempDirs.delete(dir);
    }

    @Override
    protected String listenUri() {
        return "fifo://" + dir.resolve("f" + names.incrementAndGet());
    }

    @Override
    protected String unboundUri() {
        return "fifo://" + dir.resolve("nobody");
    }

    @Override
    protected Peer startPeer(String listenUri) {
        try {
            return FifoPeer.start(dir, listenUri);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fifo peer is a process of its own already: its kill is a SIGKILL of the relay that holds the FIFOs. */
    @Override
    protected Peer startPeerProcess(String listenUri) {
        return startPeer(listenUri);
    }

    @Override
    protected int channelsPerLocalListener() {
        return 1;
    }

    @Override
    protected void assertListenerCleanedUp(Endpoint endpoint) {
        for (String suffix : new String[] {".c2s", ".s2c", ".lock"}) {
            assertThat(Files.exists(Path.of(endpoint.address() + suffix)))
                    .as(suffix)
                    .isFalse();
        }
    }
}
