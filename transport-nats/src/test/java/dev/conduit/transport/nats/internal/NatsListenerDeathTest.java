package dev.conduit.transport.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.testkit.JavaCommand;
import dev.conduit.transport.nats.NatsSessionException;
import dev.conduit.transport.nats.testing.NatsServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A listening instance killed with SIGKILL: its sessions end on their heartbeats, and a new connect finds another. */
class NatsListenerDeathTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Conduit conduit = Conduit.builder().name("client").build();
    private final Conduit survivorRuntime = Conduit.builder().name("survivor").build();
    private NatsServer server;
    private Process child;

    @AfterEach
    void close() throws Exception {
        conduit.close();
        survivorRuntime.close();
        if (child != null) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aKilledListenersSessionsEndOnTheHeartbeatTimeoutAndANewConnectReachesAnotherInstance() throws Exception {
        server = NatsServer.start();
        String uri = "nats://" + server.address() + "/deaths";
        child = new ProcessBuilder(JavaCommand.of(List.of("-Xmx128m"), EchoListenerMain.class, uri, "doomed"))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("listening");

        Channel<String> session = conduit.connect(uri, Codecs.text());
        session.send("hello");
        assertThat(session.receive(TIMEOUT)).isEqualTo("doomed:hello");
        survivorRuntime.listen(uri, Codecs.text(), ch -> ch.onMessage((c, m) -> c.send("survivor:" + m)));

        long killed = System.nanoTime();
        child.destroyForcibly();
        // The default heartbeatTimeout is 1 s; the slack above it is for a loaded machine, not what is proved here.
        CloseReason reason = session.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        long closedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertThat(reason.error())
                .isInstanceOf(NatsSessionException.class)
                .hasMessageContaining("no word from the peer")
                .hasMessageContaining("heartbeatTimeout=1000ms")
                .hasMessageContaining("messages may have been lost");
        assertThat(closedAfterMillis).as("ms from SIGKILL to the session's end").isLessThan(5_000);

        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            try (Channel<String> again = conduit.connect(uri, Codecs.text())) {
                again.send("again");
                assertThat(again.receive(Duration.ofSeconds(5))).isEqualTo("survivor:again");
            }
        });
    }
}
