package dev.conduit.transport.socket.internal;

import dev.conduit.core.spi.netty.NettyEngine;
import dev.conduit.core.testkit.ChannelConformanceSuite;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * tcp over the native io_uring engine passes the conformance suite, where the kernel offers io_uring (Linux 5.x+,
 * not disabled by {@code kernel.io_uring_disabled}).
 */
@EnabledIf(value = "ioUringAvailable", disabledReason = "io_uring is not available on this machine")
class TcpIoUringConformanceTest extends ChannelConformanceSuite {

    static boolean ioUringAvailable() {
        return NettyEngine.IO_URING.isAvailable();
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
