package dev.conduit.core.internal.inproc;

import dev.conduit.core.testkit.ChannelConformanceSuite;

/** inproc, the reference transport, passes the conformance suite. */
class InprocConformanceTest extends ChannelConformanceSuite {

    @Override
    protected String listenUri() {
        return "inproc://*";
    }

    @Override
    protected String unboundUri() {
        return "inproc://nobody-listens-" + System.nanoTime();
    }
}
