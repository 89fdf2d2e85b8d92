package dev.conduit.transport.nats.internal;

import dev.conduit.core.testkit.QueueSemanticsSuite;
import dev.conduit.transport.nats.testing.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A JetStream stream keeps the promises every durable queue transport makes: the whole {@link QueueSemanticsSuite},
 * against a real nats-server. Every part of it applies: a stream is appended to and read by named readers as a
 * {@code queue://} directory is. The one setting the suite needs of the server is an operator's: its 8 MiB message
 * needs {@code max_payload} above NATS's default of 1 MiB (a larger message fails its send naming the limit).
 */
class NatsStreamSemanticsTest extends QueueSemanticsSuite {
    private static final AtomicInteger STREAMS = new AtomicInteger();
    private static NatsServer server;
    private static Connection admin;

    @BeforeAll
    static void startServer() throws Exception {
        server = NatsServer.withMaxPayload(16 << 20);
        admin = Nats.connect(server.url());
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected String newQueue() {
        return "nats://" + server.address() + "/stream/Q"
                + ProcessHandle.current().pid() + "_" + STREAMS.incrementAndGet();
    }

    /** The reader's stored position, as its durable consumer on the server says. */
    @Override
    protected long nextIndexOf(String queue, String reader) {
        String stream = queue.substring(queue.lastIndexOf('/') + 1);
        try {
            return JetStreamSetup.position(admin.jetStreamManagement().getConsumerInfo(stream, reader));
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("no consumer " + reader + " of " + stream + ": " + e.getMessage(), e);
        }
    }
}
