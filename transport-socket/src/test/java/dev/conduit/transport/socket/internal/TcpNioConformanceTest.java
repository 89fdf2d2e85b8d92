package dev.conduit.transport.socket.internal;

import dev.conduit.core.testkit.ChannelConformanceSuite;

/** tcp over the NIO engine passes the conformance suite. */
class TcpNioConformanceTest extends ChannelConformanceSuite {

    @Override
    protected String listenUri() {
        return "tcp://127.0.0.1:0?io=nio";
    }

    @Override
    protected String unboundUri() {
        return "tcp://127.0.0.1:" + FreePort.find() + "?io=nio";
    }
}
