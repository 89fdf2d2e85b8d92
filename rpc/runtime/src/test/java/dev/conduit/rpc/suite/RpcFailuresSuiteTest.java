package dev.conduit.rpc.suite;

import static dev.conduit.rpc.suite.RpcCallKindsSuiteTest.assertRpcFails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.StringValue;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Errors, deadlines and cancellation, over every transport. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.conduit.rpc.suite.TransportCase#all")
class RpcFailuresSuiteTest extends SuiteFixture {

    @Test
    void handlerThatThrowsGivesUnknownWithTheMessageAndNoStackTrace() {
        assertThatThrownBy(() -> unary(TestService.FAIL, "unknown:the disk is on fire"))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.UNKNOWN);
                    assertThat(e.status().description()).isEqualTo("the disk is on fire");
                    assertThat(e.getCause())
                            .as("nothing of the server's exception crosses the wire")
                            .isNull();
                });
    }

    @Test
    void rpcExceptionFromHandlerGivesItsStatusAndTrailers() {
        assertThatThrownBy(() -> unary(TestService.FAIL, "NOT_FOUND:key-7"))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getMessage()).isEqualTo("NOT_FOUND: key-7");
                    assertThat(e.trailers().get("x-detail")).isEqualTo("detail of key-7");
                });
    }

    @Test
    void serverEndingACallWithCancelledReachesTheClient() {
        assertRpcFails(() -> unary(TestService.FAIL, "CANCELLED:the server gave up"), Status.Code.CANCELLED);
    }

    @Test
    void unknownMethodIsUnimplemented() {
        MethodDescriptor<StringValue, StringValue> missing = MethodDescriptor.protobuf(
                TestService.NAME + "/NoSuchMethod",
                MethodType.UNARY,
                StringValue.getDefaultInstance(),
                StringValue.getDefaultInstance());
        assertThatThrownBy(() -> ClientCalls.blockingUnary(channel, missing, CallOptions.DEFAULT, StringValue.of("x")))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.UNIMPLEMENTED);
                    assertThat(e.status().description()).contains("NoSuchMethod");
                });
    }

    @Test
    void undecodableRequestIsInternal() {
        // The right method name, but bytes that are not a StringValue: field 1, length 127, then nothing.
        MethodDescriptor<byte[], byte[]> raw =
                MethodDescriptor.of(TestService.ECHO.fullName(), MethodType.UNARY, Codecs.bytes(), Codecs.bytes());
        assertThatThrownBy(() -> ClientCalls.blockingUnary(channel, raw, CallOptions.DEFAULT, new byte[] {0x0A, 0x7F}))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.INTERNAL);
                    assertThat(e.status().description()).contains("decode");
                });
        assertThat(unary(TestService.ECHO, "still fine")).isEqualTo("still fine");
    }

    @Test
    void requestOverTheServersLimitIsResourceExhausted() {
        String big = "x".repeat(TestServers.MAX_MESSAGE_SIZE + 1);
        assertRpcFails(() -> unary(TestService.ECHO, big), Status.Code.RESOURCE_EXHAUSTED);
        assertThat(unary(TestService.ECHO, "after the big one")).isEqualTo("after the big one");
    }

    @Test
    void responseOverTheClientsLimitIsResourceExhausted() {
        RpcChannel small = newChannel(b -> b.maxMessageSize(1024));
        String big = "y".repeat(2000);
        assertThatThrownBy(() ->
                        ClientCalls.blockingUnary(small, TestService.ECHO, CallOptions.DEFAULT, StringValue.of(big)))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    }

    @Test
    void deadlineExceededFailsTheCallerAndCancelsTheHandler() {
        String tag = tag("deadline");
        CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofMillis(300));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> ClientCalls.blockingUnary(channel, TestService.HANG, options, StringValue.of(tag)))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        await().atMost(TIMEOUT).until(() -> events(tag), e -> e.contains("cancelled"));
    }

    @Test
    void handlerSeesTheRemainingTime() {
        CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20));
        long remaining =
                Long.parseLong(ClientCalls.blockingUnary(channel, TestService.REMAINING, options, StringValue.of(""))
                        .getValue());
        // sent as 20 s: what the handler sees is that, less the time the call took to reach it
        assertThat(remaining).isBetween(15_000L, 20_000L);
        assertThat(unary(TestService.REMAINING, "")).isEqualTo("none");
    }

    @Test
    void zeroTimeoutFailsAtOnceWithoutReachingTheServer() {
        String tag = tag("zero");
        CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ZERO);
        assertRpcFails(
                () -> ClientCalls.blockingUnary(channel, TestService.HANG, options, StringValue.of(tag)),
                Status.Code.DEADLINE_EXCEEDED);
        assertThat(events(tag)).isEmpty();
    }

    @Test
    void clientCancellationReachesTheHandler() throws Exception {
        String tag = tag("cancel");
        CompletableFuture<StringValue> f =
                ClientCalls.futureUnary(channel, TestService.HANG, CallOptions.DEFAULT, StringValue.of(tag));
        await().atMost(TIMEOUT).until(() -> events(tag), e -> e.contains("started"));
        assertThat(f.cancel(true)).isTrue();
        await().atMost(TIMEOUT).until(() -> events(tag), e -> e.contains("cancelled"));
        assertThat(channel.activeCalls()).isZero();
    }

    @Test
    void clientThatDisconnectsCancelsAllItsCallsOnTheServer() throws Exception {
        // Right on every machine: over pipe each connection spawns a server process of its own, gone with it, so
        // there is no server shared by the client's connections for this case to observe; every other transport
        // runs it.
        assumeTrue(transport.sharedServer(), "each pipe connection has a server process of its own");
        Conduit other = Conduit.builder().name("leaver").build();
        RpcChannel leaver = RpcChannel.builder(other).target(server.uri()).build();
        String[] tags = {tag("gone-a"), tag("gone-b"), tag("gone-c")};
        CompletableFuture<?>[] calls = new CompletableFuture<?>[tags.length];
        for (int i = 0; i < tags.length; i++) {
            calls[i] = ClientCalls.futureUnary(leaver, TestService.HANG, CallOptions.DEFAULT, StringValue.of(tags[i]));
        }
        for (String t : tags) {
            await().atMost(TIMEOUT).until(() -> events(t), e -> e.contains("started"));
        }
        other.close(); // closes the connection without a CANCEL for any call
        for (String t : tags) {
            await().atMost(TIMEOUT).until(() -> events(t), e -> e.contains("cancelled"));
        }
        for (CompletableFuture<?> c : calls) {
            assertThatThrownBy(() -> c.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .hasCauseInstanceOf(RpcException.class)
                    .cause()
                    .satisfies(e -> assertThat(((RpcException) e).code()).isEqualTo(Status.Code.UNAVAILABLE));
        }
        leaver.close();
    }
}
