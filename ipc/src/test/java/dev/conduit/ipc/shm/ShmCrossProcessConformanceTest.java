package dev.conduit.ipc.shm;

import dev.conduit.core.testkit.Peer;
import dev.conduit.core.testkit.PeerProcess;

/** shm passes the conformance suite with the agent in a child JVM: the real use of shared memory. */
class ShmCrossProcessConformanceTest extends ShmConformanceTest {

    @Override
    protected Peer startPeer(String listenUri) {
        return PeerProcess.start(listenUri);
    }
}
