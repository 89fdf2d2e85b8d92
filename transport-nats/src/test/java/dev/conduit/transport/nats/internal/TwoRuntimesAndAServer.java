package dev.conduit.transport.nats.internal;

import dev.conduit.core.Conduit;
import dev.conduit.transport.nats.testing.NatsServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/**
 * What a test of two runtimes talking through one real nats-server holds: a listening and a connecting runtime, made
 * per test, and the server the test starts ({@code server = NatsServer.start(...)}); all closed after each test.
 */
abstract class TwoRuntimesAndAServer {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final Conduit listening = Conduit.builder().name("listening").build();
    final Conduit connecting = Conduit.builder().name("connecting").build();
    NatsServer server;

    @AfterEach
    void closeRuntimesAndServer() {
        connecting.close();
        listening.close();
        if (server != null) {
            server.close();
        }
    }
}
