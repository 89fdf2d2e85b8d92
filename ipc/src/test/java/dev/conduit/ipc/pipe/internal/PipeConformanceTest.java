package dev.conduit.ipc.pipe.internal;

import dev.conduit.core.testkit.ChannelConformanceSuite;
import dev.conduit.core.testkit.Peer;
import dev.conduit.ipc.testing.TempDirs;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;

/**
 * The conformance suite over {@code pipe:}: each channel is a child JVM serving it on its stdio ({@link PipePeer}).
 * No listener can run beside the clients here (it would take over this JVM's stdio), hence {@link
 * #channelsPerLocalListener()} of 0.
 */
class PipeConformanceTest extends ChannelConformanceSuite {
    private static final String NO_SUCH_PROGRAM = "/nonexistent/conduit-no-such-program";
    private final Path dir = TempDirs.create();

    @AfterAll
    void removeDir() {
        TempDirs.delete(dir);
    }

    @Override
    protected String listenUri() {
        return "pipe:";
    }

    @Override
    protected String unboundUri() {
        return "pipe:?cmd=" + NO_SUCH_PROGRAM;
    }

    /** A pipe: endpoint has no address: what names it is the program it runs. */
    @Override
    protected String nameOfUnbound(String unboundUri) {
        return NO_SUCH_PROGRAM;
    }

    @Override
    protected Peer startPeer(String listenUri) {
        return PipePeer.start(dir, listenUri);
    }

    /** Every pipe: peer is a process of its own already: its kill is a SIGKILL of the child and the agent. */
    @Override
    protected Peer startPeerProcess(String listenUri) {
        return startPeer(listenUri);
    }

    @Override
    protected int channelsPerLocalListener() {
        return 0;
    }
}
