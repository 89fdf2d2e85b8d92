package dev.conduit.transport.socket.internal;

import dev.conduit.core.testkit.ChannelConformanceSuite;

/**
 * tcps (TLS) passes the conformance suite. The listener's endpoint carries the trust file, so clients that connect to
 * it verify the server against the test CA.
 */
class TcpsConformanceTest extends ChannelConformanceSuite {

    @Override
    protected String listenUri() {
        TestPki pki = TestPki.get();
        return "tcps://127.0.0.1:0?" + pki.serverOptions() + "&tls.trust=" + pki.ca();
    }

    @Override
    protected String unboundUri() {
        return "tcps://127.0.0.1:" + FreePort.find() + "?tls.trust="
                + TestPki.get().ca();
    }
}
