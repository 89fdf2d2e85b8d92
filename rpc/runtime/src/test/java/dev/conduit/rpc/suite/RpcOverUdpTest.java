package dev.conduit.rpc.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.BytesValue;
import com.google.protobuf.StringValue;
import dev.conduit.core.Conduit;
import dev.conduit.rpc.BlockingStreamCall;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.ResponseStream;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RPC over {@code udp://}, where it applies. The per-transport suites do not run over udp: the protocol assumes what a
 * datagram socket does not give, namely delivery without loss (a lost frame stalls a call until its deadline), messages
 * larger than a datagram (the suites send 256 KiB), and a close the server sees (so that a gone client's calls are
 * cancelled). What does hold on loopback, one message per datagram, is checked here: every call kind with messages
 * that fit, metadata both ways, and a message too big for a datagram failing with a status that names the limit
 * while the channel goes on serving.
 */
class RpcOverUdpTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Conduit conduit;
    private RpcServer server;
    private RpcChannel channel;

    @BeforeEach
    void start() {
        conduit = Conduit.builder().name("udp-rpc").build();
        server = TestServers.start(conduit, "udp://127.0.0.1:0");
        channel = RpcChannel.builder(conduit)
                .target(server.endpoints().get(0).toString())
                .build();
    }

    @AfterEach
    void stop() {
        channel.close();
        server.close();
        conduit.close();
    }

    @Test
    void everyCallKindWorksWithMessagesThatFitADatagram() throws Exception {
        assertThat(SuiteFixture.unary(channel, TestService.ECHO, "over udp")).isEqualTo("over udp");

        long expected = 0;
        try (ResponseStream<BytesValue> range = ClientCalls.blockingServerStreaming(
                channel, TestService.RANGE, CallOptions.DEFAULT, StringValue.of(SuiteFixture.tag("udp") + ":500:64"))) {
            while (range.hasNext()) {
                assertThat(range.next().getValue().asReadOnlyByteBuffer().getLong())
                        .isEqualTo(expected++);
            }
        }
        assertThat(expected).as("streamed messages, in order").isEqualTo(500);

        CompletableFuture<String> collected = new CompletableFuture<>();
        StreamObserver<StringValue> requests = ClientCalls.asyncClientStreaming(
                channel, TestService.COLLECT, CallOptions.DEFAULT, RpcCallKindsSuiteTest.single(collected));
        for (int i = 0; i < 100; i++) {
            requests.onNext(StringValue.of(i + ";"));
        }
        requests.onCompleted();
        assertThat(collected.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .startsWith("0;1;2;")
                .endsWith(";99;");

        try (BlockingStreamCall<StringValue, StringValue> chat =
                ClientCalls.blockingStream(channel, TestService.CHAT, CallOptions.DEFAULT)) {
            for (int i = 0; i < 50; i++) {
                chat.send(StringValue.of("m" + i));
                assertThat(chat.receive()).isEqualTo(StringValue.of("echo:m" + i));
            }
            chat.halfClose();
            assertThat(chat.receive()).as("end of stream").isNull();
        }
    }

    @Test
    void metadataTravelsBothWays() throws Exception {
        SuiteFixture.Outcome outcome = SuiteFixture.call(
                channel,
                TestService.ECHO,
                CallOptions.DEFAULT.withHeaders(Metadata.of("x-echo", "from options")),
                Metadata.of("x-echo", "from start"),
                "with metadata");
        assertThat(outcome.status()).isEqualTo(Status.OK);
        assertThat(outcome.trailers().getAll("x-echo-back")).containsExactly("from start", "from options");
    }

    @Test
    void aMessageLargerThanADatagramFailsNamingTheLimitAndTheChannelGoesOn() {
        String big = "x".repeat(100_000);
        assertThatThrownBy(() -> SuiteFixture.unary(channel, TestService.ECHO, big))
                .isInstanceOfSatisfying(
                        RpcException.class,
                        e -> assertThat(e.status().description())
                                .contains("100043")
                                .contains("65507"));
        assertThat(SuiteFixture.unary(channel, TestService.ECHO, "after")).isEqualTo("after");
    }
}
