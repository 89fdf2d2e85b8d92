package dev.conduit.core.internal.inproc;

import dev.conduit.core.testkit.ChannelConformanceSuite;
import dev.conduit.core.testkit.Peer;
import org.opentest4j.TestAbortedException;

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

    @Override
    protected Peer startPeerProcess(String listenUri) {
        throw new TestAbortedException(
                "not applicable: inproc:// reaches only this JVM, so no peer of it runs in a process to kill");
    }
}
