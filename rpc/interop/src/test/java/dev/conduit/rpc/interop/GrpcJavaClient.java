package dev.conduit.rpc.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.conduit.rpc.interop.testing.BoolValue;
import dev.conduit.rpc.interop.testing.EchoStatus;
import dev.conduit.rpc.interop.testing.Empty;
import dev.conduit.rpc.interop.testing.ResponseParameters;
import dev.conduit.rpc.interop.testing.SimpleRequest;
import dev.conduit.rpc.interop.testing.SimpleResponse;
import dev.conduit.rpc.interop.testing.StreamingInputCallRequest;
import dev.conduit.rpc.interop.testing.StreamingInputCallResponse;
import dev.conduit.rpc.interop.testing.StreamingOutputCallRequest;
import dev.conduit.rpc.interop.testing.StreamingOutputCallResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * gRPC's interop client cases (grpc's {@code doc/interop-test-descriptions.md}) on grpc-java, with the assertions
 * the description lists. Whether a response arrived compressed is read from a stream tracer (wire size smaller than
 * decoded size), since grpc-java shows applications no message flags.
 */
final class GrpcJavaClient {
    private static final long TIMEOUT_S = 30;

    private final Channel channel;

    GrpcJavaClient(Channel channel) {
        this.channel = channel;
    }

    void run(InteropCase c) throws Exception {
        switch (c) {
            case EMPTY_UNARY ->
                assertThat(unary(GrpcJavaService.EMPTY_CALL, Empty.getDefaultInstance()))
                        .isEqualTo(Empty.getDefaultInstance());
            case LARGE_UNARY ->
                assertThat(unary(
                                        GrpcJavaService.UNARY_CALL,
                                        InteropCase.largeRequest().build())
                                .getPayload()
                                .getBody()
                                .size())
                        .isEqualTo(InteropCase.LARGE_RESPONSE);
            case CLIENT_STREAMING -> clientStreaming();
            case SERVER_STREAMING -> serverStreaming(false);
            case PING_PONG -> pingPong();
            case EMPTY_STREAM -> emptyStream();
            case CUSTOM_METADATA -> customMetadata();
            case STATUS_CODE_AND_MESSAGE -> statusCodeAndMessage("test status message");
            case SPECIAL_STATUS_MESSAGE -> statusCodeAndMessage(InteropCase.SPECIAL_MESSAGE);
            case UNIMPLEMENTED_METHOD ->
                assertCode(
                        () -> unary(GrpcJavaService.UNIMPLEMENTED_CALL, Empty.getDefaultInstance()),
                        Status.Code.UNIMPLEMENTED);
            case UNIMPLEMENTED_SERVICE ->
                assertCode(
                        () -> unary(GrpcJavaService.UNIMPLEMENTED_SERVICE_CALL, Empty.getDefaultInstance()),
                        Status.Code.UNIMPLEMENTED);
            case CANCEL_AFTER_BEGIN -> cancelAfterBegin();
            case CANCEL_AFTER_FIRST_RESPONSE -> cancelAfterFirstResponse();
            case TIMEOUT_ON_SLEEPING_SERVER -> timeoutOnSleepingServer();
            case CLIENT_COMPRESSED_UNARY -> clientCompressedUnary();
            case SERVER_COMPRESSED_UNARY -> serverCompressedUnary();
            case CLIENT_COMPRESSED_STREAMING -> clientCompressedStreaming();
            case SERVER_COMPRESSED_STREAMING -> serverStreaming(true);
        }
    }

    private <Q, R> R unary(io.grpc.MethodDescriptor<Q, R> m, Q request) {
        return ClientCalls.blockingUnaryCall(channel, m, options(), request);
    }

    private static CallOptions options() {
        return CallOptions.DEFAULT.withDeadlineAfter(TIMEOUT_S, TimeUnit.SECONDS);
    }

    private static void assertCode(Runnable call, Status.Code code) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(e).as("the call failed").isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(code);
    }

    private void clientStreaming() throws Exception {
        CompletableFuture<StreamingInputCallResponse> done = new CompletableFuture<>();
        StreamObserver<StreamingInputCallRequest> requests = ClientCalls.asyncClientStreamingCall(
                channel.newCall(GrpcJavaService.STREAMING_INPUT_CALL, options()), observer(done));
        for (int size : InteropCase.CLIENT_STREAM_SIZES) {
            requests.onNext(StreamingInputCallRequest.newBuilder()
                    .setPayload(GrpcJavaService.zeros(size))
                    .build());
        }
        requests.onCompleted();
        assertThat(done.get(TIMEOUT_S, TimeUnit.SECONDS).getAggregatedPayloadSize())
                .isEqualTo(74922);
    }

    private void serverStreaming(boolean compressed) {
        Sizes sizes = new Sizes();
        StreamingOutputCallRequest.Builder req = StreamingOutputCallRequest.newBuilder();
        int[] expected = compressed ? InteropCase.COMPRESSED_STREAM_SIZES : InteropCase.SERVER_STREAM_SIZES;
        for (int i = 0; i < expected.length; i++) {
            ResponseParameters.Builder p = ResponseParameters.newBuilder().setSize(expected[i]);
            if (compressed) {
                p.setCompressed(BoolValue.newBuilder().setValue(i == 0));
            }
            req.addResponseParameters(p);
        }
        Iterator<StreamingOutputCallResponse> it = ClientCalls.blockingServerStreamingCall(
                channel, GrpcJavaService.STREAMING_OUTPUT_CALL, sizes.options(), req.build());
        int n = 0;
        while (it.hasNext()) {
            assertThat(it.next().getPayload().getBody().size()).isEqualTo(expected[n++]);
        }
        assertThat(n).isEqualTo(expected.length);
        if (compressed) {
            // The first response compressed (its zeros shrink to a few bytes), the second not.
            assertThat(sizes.wire()).isBetween((long) expected[1], sizes.decoded() - expected[0] / 2);
        }
    }

    private void pingPong() throws Exception {
        BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
        StreamObserver<StreamingOutputCallRequest> requests = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(GrpcJavaService.FULL_DUPLEX_CALL, options()), queueing(responses));
        for (int i = 0; i < 4; i++) {
            requests.onNext(InteropCase.pingPongRequest(i).build());
            Object r = responses.poll(TIMEOUT_S, TimeUnit.SECONDS);
            assertThat(r).isInstanceOf(StreamingOutputCallResponse.class);
            assertThat(((StreamingOutputCallResponse) r).getPayload().getBody().size())
                    .isEqualTo(InteropCase.SERVER_STREAM_SIZES[i]);
        }
        requests.onCompleted();
        assertThat(responses.poll(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("completed");
    }

    private void emptyStream() throws Exception {
        BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
        StreamObserver<StreamingOutputCallRequest> requests = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(GrpcJavaService.FULL_DUPLEX_CALL, options()), queueing(responses));
        requests.onCompleted();
        assertThat(responses.poll(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("completed");
    }

    private void customMetadata() throws Exception {
        Metadata extra = new Metadata();
        extra.put(GrpcJavaService.ECHO_INITIAL, "test_initial_metadata_value");
        extra.put(GrpcJavaService.ECHO_TRAILING, new byte[] {(byte) 0xab, (byte) 0xab, (byte) 0xab});
        for (int round = 0; round < 2; round++) {
            AtomicReference<Metadata> headers = new AtomicReference<>();
            AtomicReference<Metadata> trailers = new AtomicReference<>();
            Channel ch = ClientInterceptors.intercept(
                    channel,
                    MetadataUtils.newAttachHeadersInterceptor(extra),
                    MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
            if (round == 0) {
                ClientCalls.blockingUnaryCall(
                        ch,
                        GrpcJavaService.UNARY_CALL,
                        options(),
                        InteropCase.largeRequest().build());
            } else {
                BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
                StreamObserver<StreamingOutputCallRequest> requests = ClientCalls.asyncBidiStreamingCall(
                        ch.newCall(GrpcJavaService.FULL_DUPLEX_CALL, options()), queueing(responses));
                requests.onNext(StreamingOutputCallRequest.newBuilder()
                        .addResponseParameters(ResponseParameters.newBuilder().setSize(InteropCase.LARGE_RESPONSE))
                        .setPayload(GrpcJavaService.zeros(InteropCase.LARGE_REQUEST))
                        .build());
                requests.onCompleted();
                assertThat(responses.poll(TIMEOUT_S, TimeUnit.SECONDS)).isInstanceOf(StreamingOutputCallResponse.class);
                assertThat(responses.poll(TIMEOUT_S, TimeUnit.SECONDS)).isEqualTo("completed");
            }
            assertThat(headers.get().get(GrpcJavaService.ECHO_INITIAL)).isEqualTo("test_initial_metadata_value");
            assertThat(trailers.get().get(GrpcJavaService.ECHO_TRAILING))
                    .containsExactly((byte) 0xab, (byte) 0xab, (byte) 0xab);
        }
    }

    private void statusCodeAndMessage(String message) throws Exception {
        EchoStatus echo = EchoStatus.newBuilder().setCode(2).setMessage(message).build();
        StatusRuntimeException e = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> unary(
                        GrpcJavaService.UNARY_CALL,
                        SimpleRequest.newBuilder().setResponseStatus(echo).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
        assertThat(e.getStatus().getDescription()).isEqualTo(message);
        BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
        StreamObserver<StreamingOutputCallRequest> requests = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(GrpcJavaService.FULL_DUPLEX_CALL, options()), queueing(responses));
        requests.onNext(
                StreamingOutputCallRequest.newBuilder().setResponseStatus(echo).build());
        requests.onCompleted();
        Object end = responses.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(end).isInstanceOf(StatusRuntimeException.class);
        Status s = ((StatusRuntimeException) end).getStatus();
        assertThat(s.getCode()).isEqualTo(Status.Code.UNKNOWN);
        assertThat(s.getDescription()).isEqualTo(message);
    }

    private void cancelAfterBegin() throws Exception {
        BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
        ClientCall<StreamingInputCallRequest, StreamingInputCallResponse> call =
                channel.newCall(GrpcJavaService.STREAMING_INPUT_CALL, options());
        ClientCalls.asyncClientStreamingCall(call, queueing(responses));
        call.cancel("cancelled by the interop client", null);
        Object end = responses.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(((StatusRuntimeException) end).getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
    }

    private void cancelAfterFirstResponse() throws Exception {
        BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
        ClientCall<StreamingOutputCallRequest, StreamingOutputCallResponse> call =
                channel.newCall(GrpcJavaService.FULL_DUPLEX_CALL, options());
        StreamObserver<StreamingOutputCallRequest> requests =
                ClientCalls.asyncBidiStreamingCall(call, queueing(responses));
        requests.onNext(InteropCase.pingPongRequest(0).build());
        assertThat(responses.poll(TIMEOUT_S, TimeUnit.SECONDS)).isInstanceOf(StreamingOutputCallResponse.class);
        call.cancel("cancelled by the interop client", null);
        Object end = responses.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(((StatusRuntimeException) end).getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
    }

    private void timeoutOnSleepingServer() throws Exception {
        BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
        StreamObserver<StreamingOutputCallRequest> requests = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(
                        GrpcJavaService.FULL_DUPLEX_CALL,
                        CallOptions.DEFAULT.withDeadlineAfter(1, TimeUnit.MILLISECONDS)),
                queueing(responses));
        try {
            requests.onNext(StreamingOutputCallRequest.newBuilder()
                    .setPayload(GrpcJavaService.zeros(27182))
                    .build());
        } catch (IllegalStateException e) {
            // the call may already have ended: the deadline is 1 ms
        }
        Object end = responses.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(((StatusRuntimeException) end).getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    }

    private void clientCompressedUnary() {
        SimpleRequest expectCompressed = InteropCase.largeRequest()
                .setExpectCompressed(BoolValue.newBuilder().setValue(true))
                .build();
        assertCode(() -> unary(GrpcJavaService.UNARY_CALL, expectCompressed), Status.Code.INVALID_ARGUMENT);
        SimpleResponse r = ClientCalls.blockingUnaryCall(
                channel, GrpcJavaService.UNARY_CALL, options().withCompression("gzip"), expectCompressed);
        assertThat(r.getPayload().getBody().size()).isEqualTo(InteropCase.LARGE_RESPONSE);
        SimpleRequest expectPlain = InteropCase.largeRequest()
                .setExpectCompressed(BoolValue.newBuilder().setValue(false))
                .build();
        assertThat(unary(GrpcJavaService.UNARY_CALL, expectPlain)
                        .getPayload()
                        .getBody()
                        .size())
                .isEqualTo(InteropCase.LARGE_RESPONSE);
    }

    private void serverCompressedUnary() {
        for (boolean compressed : new boolean[] {true, false}) {
            Sizes sizes = new Sizes();
            SimpleRequest req = InteropCase.largeRequest()
                    .setResponseCompressed(BoolValue.newBuilder().setValue(compressed))
                    .build();
            SimpleResponse r = ClientCalls.blockingUnaryCall(channel, GrpcJavaService.UNARY_CALL, sizes.options(), req);
            assertThat(r.getPayload().getBody().size()).isEqualTo(InteropCase.LARGE_RESPONSE);
            if (compressed) {
                assertThat(sizes.wire()).as("compressed on the wire").isLessThan(sizes.decoded() / 2);
            } else {
                assertThat(sizes.wire()).as("not compressed on the wire").isEqualTo(sizes.decoded());
            }
        }
    }

    private void clientCompressedStreaming() throws Exception {
        StreamingInputCallRequest probe = StreamingInputCallRequest.newBuilder()
                .setExpectCompressed(BoolValue.newBuilder().setValue(true))
                .setPayload(GrpcJavaService.zeros(27182))
                .build();
        CompletableFuture<StreamingInputCallResponse> probed = new CompletableFuture<>();
        StreamObserver<StreamingInputCallRequest> first = ClientCalls.asyncClientStreamingCall(
                channel.newCall(GrpcJavaService.STREAMING_INPUT_CALL, options()), observer(probed));
        first.onNext(probe);
        first.onCompleted();
        assertThatThrownBy(() -> probed.get(TIMEOUT_S, TimeUnit.SECONDS))
                .hasCauseInstanceOf(StatusRuntimeException.class)
                .satisfies(e -> assertThat(((StatusRuntimeException) e.getCause())
                                .getStatus()
                                .getCode())
                        .isEqualTo(Status.Code.INVALID_ARGUMENT));
        CompletableFuture<StreamingInputCallResponse> done = new CompletableFuture<>();
        ClientCall<StreamingInputCallRequest, StreamingInputCallResponse> call =
                channel.newCall(GrpcJavaService.STREAMING_INPUT_CALL, options().withCompression("gzip"));
        StreamObserver<StreamingInputCallRequest> requests = ClientCalls.asyncClientStreamingCall(call, observer(done));
        requests.onNext(probe);
        call.setMessageCompression(false);
        requests.onNext(StreamingInputCallRequest.newBuilder()
                .setExpectCompressed(BoolValue.newBuilder().setValue(false))
                .setPayload(GrpcJavaService.zeros(45904))
                .build());
        requests.onCompleted();
        assertThat(done.get(TIMEOUT_S, TimeUnit.SECONDS).getAggregatedPayloadSize())
                .isEqualTo(73086);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Call options whose tracer adds up the responses' sizes on the wire and decoded. grpc-java reports the decoded
     * size while the application parses, so only the totals are reliable; the cases choose sizes (zeros, which gzip
     * shrinks to almost nothing) that make the totals tell which responses were compressed.
     */
    private static final class Sizes {
        private final AtomicLong wire = new AtomicLong();
        private final AtomicLong decoded = new AtomicLong();

        CallOptions options() {
            return GrpcJavaClient.options().withStreamTracerFactory(new ClientStreamTracer.Factory() {
                @Override
                public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata h) {
                    return new ClientStreamTracer() {
                        @Override
                        public void inboundWireSize(long bytes) {
                            wire.addAndGet(bytes);
                        }

                        @Override
                        public void inboundUncompressedSize(long bytes) {
                            decoded.addAndGet(bytes);
                        }
                    };
                }
            });
        }

        long wire() {
            return wire.get();
        }

        long decoded() {
            return decoded.get();
        }
    }

    private static <T> StreamObserver<T> observer(CompletableFuture<T> done) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                done.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
        };
    }

    private static <T> StreamObserver<T> queueing(BlockingQueue<Object> events) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                events.add(value);
            }

            @Override
            public void onError(Throwable t) {
                events.add(t);
            }

            @Override
            public void onCompleted() {
                events.add("completed");
            }
        };
    }
}
