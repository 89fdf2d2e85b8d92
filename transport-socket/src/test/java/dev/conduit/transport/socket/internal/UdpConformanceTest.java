package dev.conduit.transport.socket.internal;

import dev.conduit.core.testkit.ChannelConformanceSuite;
import dev.conduit.core.testkit.Peer;
import org.junit.jupiter.api.BeforeEach;

/**
 * udp runs the conformance suite, over loopback, with the cases that need what UDP does not promise marked not
 * applicable (each reported skipped with its reason):
 *
 * <ul>
 *   <li>not {@link #reliable()}: datagrams may be lost or reordered and a stalled receiver does not push back, so the
 *       ordering, concurrent-senders and backpressure cases do not apply;
 *   <li>not {@link #connectionOriented()}: a connect succeeds where nothing listens, a listener sees a sender only at
 *       its first datagram, and neither side sees the other close;
 *   <li>{@link #maxMessageSize()} is a datagram: the 8 MiB case does not apply. UdpTest checks the limit.
 * </ul>
 *
 * <p>What does apply runs as is: messages of many channels on one listener, the maxFrame check on send, in-flight
 * sends on close, and the runtime leaving nothing behind.
 *
 * <p>The suite's shared agent is restarted before each test. A udp listener knows a sender by its address only, and
 * the agent never learns that a test's client sockets closed; a later test's socket that the kernel gives a port used
 * before would be taken for that old sender, in whatever mode its channel was. Any UDP server behaves so.
 */
class UdpConformanceTest extends ChannelConformanceSuite {
    private RestartingPeer agent;

    @Override
    protected Peer startPeer(String listenUri) {
        RestartingPeer peer = new RestartingPeer(listenUri);
        if (agent == null) {
            agent = peer; // the first peer the suite starts is its shared one
        }
        return peer;
    }

    @BeforeEach
    void freshAgent() {
        agent.restart();
    }

    @Override
    protected String listenUri() {
        return "udp://127.0.0.1:0";
    }

    @Override
    protected String unboundUri() {
        return "udp://127.0.0.1:" + FreePort.find();
    }

    @Override
    protected boolean reliable() {
        return false;
    }

    @Override
    protected boolean connectionOriented() {
        return false;
    }

    @Override
    protected int maxMessageSize() {
        return UdpConfig.MAX_IPV4_PAYLOAD;
    }

    /** An in-process agent that can be replaced by a fresh one on a fresh port. */
    private static final class RestartingPeer implements Peer {
        private final String listenUri;
        private Peer current;

        RestartingPeer(String listenUri) {
            this.listenUri = listenUri;
            this.current = Peer.inProcess(listenUri);
        }

        void restart() {
            current.close();
            current = Peer.inProcess(listenUri);
        }

        @Override
        public String uri() {
            return current.uri();
        }

        @Override
        public void kill() {
            current.kill();
        }

        @Override
        public void close() {
            current.close();
        }
    }
}
