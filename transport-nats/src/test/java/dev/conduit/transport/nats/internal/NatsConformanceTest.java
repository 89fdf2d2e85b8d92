package dev.conduit.transport.nats.internal;

import dev.conduit.core.testkit.ChannelConformanceSuite;
import dev.conduit.transport.nats.testing.NatsServer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * nats:// passes the whole conformance suite, against a real nats-server: every session has sequence numbers, credit
 * and heartbeats, so what core NATS does not promise (delivery, order, pushback on a slow reader, a peer's death
 * noticed) the session does. The agent runs in this JVM; the SIGKILL test runs it in a child JVM, whose death its
 * sessions notice by their heartbeats within a second.
 */
class NatsConformanceTest extends ChannelConformanceSuite {
    private static final AtomicInteger SUBJECTS = new AtomicInteger();

    @Override
    protected String listenUri() {
        return "nats://" + NatsServer.shared().address() + "/conformance."
                + ProcessHandle.current().pid() + "." + SUBJECTS.incrementAndGet();
    }

    @Override
    protected String unboundUri() {
        return "nats://" + NatsServer.shared().address() + "/nobody.listens." + SUBJECTS.incrementAndGet();
    }
}
