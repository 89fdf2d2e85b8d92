package dev.conduit.transport.socket.internal;

import dev.conduit.core.testkit.ChannelConformanceSuite;

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
 */
class UdpConformanceTest extends ChannelConformanceSuite {

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
}
