package dev.conduit.transport.socket.internal;

import dev.conduit.core.testkit.ChannelConformanceSuite;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** tcp over the native epoll engine passes the conformance suite. On Linux epoll must work: no skipping there. */
@EnabledOnOs(value = OS.LINUX, disabledReason = "epoll exists only on Linux")
class TcpEpollConformanceTest extends ChannelConformanceSuite {

    @Override
    protected String listenUri() {
        return "tcp://127.0.0.1:0?io=epoll";
    }

    @Override
    protected String unboundUri() {
        return "tcp://127.0.0.1:" + FreePort.find() + "?io=epoll";
    }
}
