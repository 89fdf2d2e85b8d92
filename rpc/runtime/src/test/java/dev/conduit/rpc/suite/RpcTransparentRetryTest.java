package dev.conduit.rpc.suite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.Status;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Transparent retry: a call the server refused unprocessed (a GOAWAY whose last call id is below it) goes to another
 * endpoint at once, without a retry policy. The refusing endpoint is a peer written from {@code docs/rpc-protocol.md}
 * ({@link RawFrames}) that answers the first call it sees with GOAWAY and then stops accepting connections.
 */
class RpcTransparentRetryTest {
    private Conduit serverRuntime;
    private Conduit clientRuntime;
    private RpcServer server;
    private Listener<byte[]> refuser;
    private final AtomicInteger refused = new AtomicInteger();

    @BeforeEach
    void start() {
        serverRuntime = Conduit.builder().name("transparent-server").build();
        clientRuntime = Conduit.builder().name("transparent-client").build();
        server = TestServers.start(serverRuntime, "tcp://127.0.0.1:0");
        refuser = serverRuntime.listen(
                "tcp://127.0.0.1:0",
                Codecs.bytes(),
                ch -> ch.onMessage((c, frame) -> {
                    RawFrames.Received f = RawFrames.Received.parse(frame);
                    if (f.text().equals("HELLO") && f.type() == 0) {
                        c.send(RawFrames.hello(1));
                    } else if (f.type() == RawFrames.CALL_START && refused.getAndIncrement() == 0) {
                        c.send(RawFrames.goAway(0, Status.Code.UNAVAILABLE.value(), "refusing every call"));
                        refuser.stopAccepting();
                    }
                }));
    }

    @AfterEach
    void stop() {
        server.close();
        refuser.close();
        clientRuntime.close();
        serverRuntime.close();
    }

    @Test
    void callRefusedByGoAwayIsRetriedOnTheOtherEndpointWithoutARetryPolicy() {
        try (RpcChannel channel = RpcChannel.builder(clientRuntime)
                .target(refuser.endpoint().toString())
                .target(server.endpoints().get(0).toString())
                .build()) {
            // Round-robin sends one of the first calls to the refusing endpoint; every call must still succeed.
            for (int i = 0; i < 50 && refused.get() == 0; i++) {
                assertThat(SuiteFixture.unary(channel, TestService.ECHO, "call " + i))
                        .isEqualTo("call " + i);
            }
            assertThat(refused).as("calls the refusing endpoint saw").hasValue(1);
        }
    }
}
