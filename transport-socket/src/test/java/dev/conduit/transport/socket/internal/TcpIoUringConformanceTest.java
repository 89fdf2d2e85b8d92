package dev.conduit.transport.socket.internal;

import dev.conduit.core.testkit.ChannelConformanceSuite;
import dev.conduit.core.testkit.Peer;
import dev.conduit.transport.netty.NettyEngine;
import dev.conduit.transport.netty.testkit.NativeEngines;

/**
 * tcp over the native io_uring engine passes the conformance suite. Where io_uring does not work (a kernel without
 * it, or {@code kernel.io_uring_disabled}) the class is skipped with the reason, unless the build requires native
 * engines ({@link NativeEngines}): then it fails.
 */
class TcpIoUringConformanceTest extends ChannelConformanceSuite {

    /** Runs first (the suite's setup starts the shared peer): without io_uring the whole class is skipped or fails. */
    @Override
    protected Peer startPeer(String listenUri) {
        NativeEngines.assumeAvailable(NettyEngine.IO_URING);
        return super.startPeer(listenUri);
    }

    @Override
    protected String listenUri() {
        return "tcp://127.0.0.1:0?io=io_uring";
    }

    @Override
    protected String unboundUri() {
        return "tcp://127.0.0.1:" + FreePort.find() + "?io=io_uring";
    }
}
