package dev.conduit.rpc.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.BytesValue;
import com.google.protobuf.StringValue;
import dev.conduit.rpc.BlockingStreamCall;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.ResponseStream;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.StreamObserver;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Every call kind, metadata both ways, and 64 concurrent callers, over every transport. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.conduit.rpc.suite.TransportCase#all")
class RpcCallKindsSuiteTest extends SuiteFixture {

    @Test
    void unaryCallRoundTripsAProtobufMessage() {
        assertThat(unary(TestService.ECHO, "hello over " + transport)).isEqualTo("hello over " + transport);
    }

    @Test
    void unaryCallAsFutureCompletes() throws Exception {
        CompletableFuture<StringValue> f =
                ClientCalls.futureUnary(channel, TestService.ECHO, CallOptions.DEFAULT, StringValue.of("future"));
        assertThat(f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).getValue()).isEqualTo("future");
    }

    @Test
    void serverStreamingDeliversEveryMessageInOrder() {
        int count = 2000;
        try (ResponseStream<BytesValue> stream = ClientCalls.blockingServerStreaming(
                channel, TestService.RANGE, CallOptions.DEFAULT, StringValue.of(tag("range") + ":" + count + ":64"))) {
            long expected = 0;
            while (stream.hasNext()) {
                BytesValue m = stream.next();
                assertThat(m.getValue().size()).isEqualTo(64);
                assertThat(m.getValue().asReadOnlyByteBuffer().getLong()).isEqualTo(expected++);
            }
            assertThat(expected).isEqualTo(count);
        }
    }

    @Test
    void serverStreamingToAnObserverCompletes() throws Exception {
        CompletableFuture<Long> done = new CompletableFuture<>();
        ClientCalls.asyncServerStreaming(
                channel,
                TestService.RANGE,
                CallOptions.DEFAULT,
                StringValue.of(tag("async") + ":500:16"),
                counter(done));
        assertThat(done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(500);
    }

    @Test
    void clientStreamingCollectsEveryRequest() throws Exception {
        CompletableFuture<String> result = new CompletableFuture<>();
        StreamObserver<StringValue> requests =
                ClientCalls.asyncClientStreaming(channel, TestService.COLLECT, CallOptions.DEFAULT, single(result));
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            requests.onNext(StringValue.of(i + ";"));
            expected.append(i).append(';');
        }
        requests.onCompleted();
        assertThat(result.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(expected.toString());
    }

    @Test
    void bidiStreamingAnswersEachMessageInTurn() {
        try (BlockingStreamCall<StringValue, StringValue> chat =
                ClientCalls.blockingStream(channel, TestService.CHAT, CallOptions.DEFAULT)) {
            for (int i = 0; i < 200; i++) {
                chat.send(StringValue.of("m" + i));
                assertThat(chat.receive()).isEqualTo(StringValue.of("echo:m" + i));
            }
            chat.halfClose();
            assertThat(chat.receive())
                    .as("end of stream after the client completed")
                    .isNull();
        }
    }

    @Test
    void metadataTravelsBothWays() throws Exception {
        Metadata headers = new Metadata().put("x-echo", "ping ✓").putBinary("x-raw-bin", new byte[] {0, 1, 2, -1});
        Outcome outcome = call(channel, TestService.ECHO, CallOptions.DEFAULT, headers, "with metadata");
        assertThat(outcome.status()).isEqualTo(Status.OK);
        assertThat(outcome.responses()).containsExactly("with metadata");
        assertThat(outcome.trailers().getAll("x-echo-back")).containsExactly("ping ✓");
        assertThat(outcome.trailers().getBinary("x-raw-back-bin")).containsExactly(0, 1, 2, -1);
    }

    @Test
    void headersFromCallOptionsAndFromStartAreBothSent() throws Exception {
        CallOptions options = CallOptions.DEFAULT.withHeaders(Metadata.of("x-echo", "from options"));
        Outcome outcome = call(channel, TestService.ECHO, options, Metadata.of("x-echo", "from start"), "y");
        assertThat(outcome.status()).isEqualTo(Status.OK);
        // The server echoes every value it got, in order: options' headers follow those given to start().
        assertThat(outcome.trailers().getAll("x-echo-back")).containsExactly("from start", "from options");
    }

    @Test
    void sixtyFourConcurrentCallersEachGetTheirOwnAnswers() throws Exception {
        int callers = 64;
        int callsEach = 40;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < callsEach; i++) {
                        String request = "caller " + caller + " call " + i;
                        if (unary(TestService.ECHO, request).equals(request)) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> r : results) {
                assertThat(r.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(callsEach);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(channel.activeCalls()).isZero();
    }

    @Test
    void concurrentStreamsDoNotBlockEachOther() throws Exception {
        // A stream whose consumer has stopped reading must not hold up other calls on the same connection.
        ResponseStream<BytesValue> stalled = closeLater(ClientCalls.blockingServerStreaming(
                channel, TestService.RANGE, CallOptions.DEFAULT, StringValue.of(tag("stalled") + ":100000:1024")));
        assertThat(stalled.hasNext()).isTrue();
        for (int i = 0; i < 50; i++) {
            assertThat(unary(TestService.ECHO, "while stalled " + i)).isEqualTo("while stalled " + i);
        }
        assertThat(ByteBuffer.wrap(stalled.next().getValue().toByteArray()).getLong())
                .isZero();
    }

    static StreamObserver<BytesValue> counter(CompletableFuture<Long> done) {
        return new StreamObserver<>() {
            long n;

            @Override
            public void onNext(BytesValue value) {
                if (value.getValue().asReadOnlyByteBuffer().getLong() != n++) {
                    done.completeExceptionally(new AssertionError("out of order at " + n));
                }
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(n);
            }
        };
    }

    static StreamObserver<StringValue> single(CompletableFuture<String> result) {
        return new StreamObserver<>() {
            @Override
            public void onNext(StringValue value) {
                result.complete(value.getValue());
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                result.complete("<completed without a response>");
            }
        };
    }

    static void assertRpcFails(Runnable call, Status.Code code) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
