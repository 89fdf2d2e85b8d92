package dev.conduit.rpc.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.conduit.rpc.BlockingStreamCall;
import dev.conduit.rpc.CallFactory;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCall;
import dev.conduit.rpc.ForwardingClientCall;
import dev.conduit.rpc.ForwardingClientCallListener;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.ResponseStream;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.interop.testing.BoolValue;
import dev.conduit.rpc.interop.testing.EchoStatus;
import dev.conduit.rpc.interop.testing.Empty;
import dev.conduit.rpc.interop.testing.ResponseParameters;
import dev.conduit.rpc.interop.testing.SimpleRequest;
import dev.conduit.rpc.interop.testing.StreamingInputCallRequest;
import dev.conduit.rpc.interop.testing.StreamingInputCallResponse;
import dev.conduit.rpc.interop.testing.StreamingOutputCallRequest;
import dev.conduit.rpc.interop.testing.StreamingOutputCallResponse;
import dev.conduit.rpc.interop.testing.TestServiceRpc;
import dev.conduit.rpc.interop.testing.UnimplementedServiceRpc;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * gRPC's interop client cases on Conduit: generated stubs for what they can express, the low-level {@link
 * ClientCall} for per-message compression, an interceptor for the response headers and trailers. Whether the server
 * compressed its responses is for the server side to prove ({@code serverCompressed}), since clients see no flags.
 */
final class ConduitClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final CallFactory channel;
    private final TestServiceRpc.BlockingClient stub;
    /** Checks, after a server-compression case, that the server compressed exactly the responses it was asked to. */
    private final Consumer<boolean[]> serverCompressed;

    ConduitClient(CallFactory channel, Consumer<boolean[]> serverCompressed) {
        this.channel = channel;
        this.stub = TestServiceRpc.newBlockingClient(channel).withTimeout(TIMEOUT);
        this.serverCompressed = serverCompressed;
    }

    void run(InteropCase c) throws Exception {
        switch (c) {
            case EMPTY_UNARY ->
                assertThat(stub.emptyCall(Empty.getDefaultInstance())).isEqualTo(Empty.getDefaultInstance());
            case LARGE_UNARY ->
                assertThat(stub.unaryCall(InteropCase.largeRequest().build())
                                .getPayload()
                                .getBody()
                                .size())
                        .isEqualTo(InteropCase.LARGE_RESPONSE);
            case CLIENT_STREAMING -> clientStreaming();
            case SERVER_STREAMING -> serverStreaming(false);
            case PING_PONG -> pingPong();
            case EMPTY_STREAM -> {
                try (var call = stub.fullDuplexCall()) {
                    call.halfClose();
                    assertThat(call.receive(TIMEOUT)).isNull();
                }
            }
            case CUSTOM_METADATA -> customMetadata();
            case STATUS_CODE_AND_MESSAGE -> statusCodeAndMessage("test status message");
            case SPECIAL_STATUS_MESSAGE -> statusCodeAndMessage(InteropCase.SPECIAL_MESSAGE);
            case UNIMPLEMENTED_METHOD ->
                assertCode(() -> stub.unimplementedCall(Empty.getDefaultInstance()), Status.Code.UNIMPLEMENTED);
            case UNIMPLEMENTED_SERVICE ->
                assertCode(
                        () -> UnimplementedServiceRpc.newBlockingClient(channel)
                                .unimplementedCall(Empty.getDefaultInstance()),
                        Status.Code.UNIMPLEMENTED);
            case CANCEL_AFTER_BEGIN -> {
                try (var call = stub.streamingInputCall()) {
                    call.cancel("cancelled by the interop client");
                    assertCode(() -> call.receive(TIMEOUT), Status.Code.CANCELLED);
                }
            }
            case CANCEL_AFTER_FIRST_RESPONSE -> {
                try (var call = stub.fullDuplexCall()) {
                    call.send(InteropCase.pingPongRequest(0).build());
                    assertThat(call.receive(TIMEOUT)).isNotNull();
                    call.cancel("cancelled by the interop client");
                    assertCode(() -> call.receive(TIMEOUT), Status.Code.CANCELLED);
                }
            }
            case TIMEOUT_ON_SLEEPING_SERVER -> {
                try (var call = stub.withTimeout(Duration.ofMillis(1)).fullDuplexCall()) {
                    try {
                        call.send(StreamingOutputCallRequest.newBuilder()
                                .setPayload(ConduitTestService.zeros(27182))
                                .build());
                    } catch (RpcException e) {
                        // the deadline may already have passed: 1 ms
                    }
                    assertCode(() -> call.receive(TIMEOUT), Status.Code.DEADLINE_EXCEEDED);
                }
            }
            case CLIENT_COMPRESSED_UNARY -> clientCompressedUnary();
            case SERVER_COMPRESSED_UNARY -> {
                for (boolean compressed : new boolean[] {true, false}) {
                    SimpleRequest req = InteropCase.largeRequest()
                            .setResponseCompressed(BoolValue.newBuilder().setValue(compressed))
                            .build();
                    assertThat(stub.unaryCall(req).getPayload().getBody().size())
                            .isEqualTo(InteropCase.LARGE_RESPONSE);
                    serverCompressed.accept(new boolean[] {compressed});
                }
            }
            case CLIENT_COMPRESSED_STREAMING -> clientCompressedStreaming();
            case SERVER_COMPRESSED_STREAMING -> serverStreaming(true);
        }
    }

    private static void assertCode(ThrowingRunnable call, Status.Code code) {
        RpcException e = catchThrowableOfType(RpcException.class, call::run);
        assertThat(e).as("the call failed with " + code).isNotNull();
        assertThat(e.status().code()).isEqualTo(code);
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private void clientStreaming() throws Exception {
        try (var call = stub.streamingInputCall()) {
            for (int size : InteropCase.CLIENT_STREAM_SIZES) {
                call.send(StreamingInputCallRequest.newBuilder()
                        .setPayload(ConduitTestService.zeros(size))
                        .build());
            }
            call.halfClose();
            assertThat(call.receive(TIMEOUT).getAggregatedPayloadSize()).isEqualTo(74922);
        }
    }

    private void serverStreaming(boolean compressed) {
        int[] expected = compressed ? InteropCase.COMPRESSED_STREAM_SIZES : InteropCase.SERVER_STREAM_SIZES;
        StreamingOutputCallRequest.Builder req = StreamingOutputCallRequest.newBuilder();
        boolean[] flags = new boolean[expected.length];
        for (int i = 0; i < expected.length; i++) {
            ResponseParameters.Builder p = ResponseParameters.newBuilder().setSize(expected[i]);
            if (compressed) {
                flags[i] = i == 0;
                p.setCompressed(BoolValue.newBuilder().setValue(flags[i]));
            }
            req.addResponseParameters(p);
        }
        int n = 0;
        try (ResponseStream<StreamingOutputCallResponse> it = stub.streamingOutputCall(req.build())) {
            while (it.hasNext()) {
                assertThat(it.next().getPayload().getBody().size()).isEqualTo(expected[n++]);
            }
        }
        assertThat(n).isEqualTo(expected.length);
        if (compressed) {
            serverCompressed.accept(flags);
        }
    }

    private void pingPong() throws Exception {
        try (var call = stub.fullDuplexCall()) {
            for (int i = 0; i < 4; i++) {
                call.send(InteropCase.pingPongRequest(i).build());
                assertThat(call.receive(TIMEOUT).getPayload().getBody().size())
                        .isEqualTo(InteropCase.SERVER_STREAM_SIZES[i]);
            }
            call.halfClose();
            assertThat(call.receive(TIMEOUT)).isNull();
        }
    }

    private void customMetadata() throws Exception {
        Metadata extra = new Metadata()
                .put(ConduitTestService.ECHO_INITIAL, "test_initial_metadata_value")
                .putBinary(ConduitTestService.ECHO_TRAILING, new byte[] {(byte) 0xab, (byte) 0xab, (byte) 0xab});
        for (int round = 0; round < 2; round++) {
            AtomicReference<Metadata> headers = new AtomicReference<>();
            AtomicReference<Metadata> trailers = new AtomicReference<>();
            TestServiceRpc.BlockingClient capturing = TestServiceRpc.newBlockingClient(capture(headers, trailers))
                    .withOptions(CallOptions.DEFAULT.withTimeout(TIMEOUT).withHeaders(extra));
            if (round == 0) {
                capturing.unaryCall(InteropCase.largeRequest().build());
            } else {
                try (BlockingStreamCall<StreamingOutputCallRequest, StreamingOutputCallResponse> call =
                        capturing.fullDuplexCall()) {
                    call.send(StreamingOutputCallRequest.newBuilder()
                            .addResponseParameters(
                                    ResponseParameters.newBuilder().setSize(InteropCase.LARGE_RESPONSE))
                            .setPayload(ConduitTestService.zeros(InteropCase.LARGE_REQUEST))
                            .build());
                    call.halfClose();
                    assertThat(call.receive(TIMEOUT)).isNotNull();
                    assertThat(call.receive(TIMEOUT)).isNull();
                }
            }
            assertThat(headers.get()).as("response headers arrived").isNotNull();
            assertThat(headers.get().get(ConduitTestService.ECHO_INITIAL)).isEqualTo("test_initial_metadata_value");
            assertThat(trailers.get().getBinary(ConduitTestService.ECHO_TRAILING))
                    .containsExactly((byte) 0xab, (byte) 0xab, (byte) 0xab);
        }
    }

    /** The channel, with an interceptor that keeps each call's response headers and trailers. */
    private CallFactory capture(AtomicReference<Metadata> headers, AtomicReference<Metadata> trailers) {
        return new CallFactory() {
            @Override
            public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
                return new ForwardingClientCall<>(channel.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata requestHeaders) {
                        super.start(
                                new ForwardingClientCallListener<>(listener) {
                                    @Override
                                    public void onHeaders(Metadata h) {
                                        headers.set(h);
                                        super.onHeaders(h);
                                    }

                                    @Override
                                    public void onClose(Status status, Metadata t) {
                                        trailers.set(t);
                                        super.onClose(status, t);
                                    }
                                },
                                requestHeaders);
                    }
                };
            }
        };
    }

    private void statusCodeAndMessage(String message) throws Exception {
        EchoStatus echo = EchoStatus.newBuilder().setCode(2).setMessage(message).build();
        RpcException e = catchThrowableOfType(
                RpcException.class,
                () -> stub.unaryCall(
                        SimpleRequest.newBuilder().setResponseStatus(echo).build()));
        assertThat(e.status().code()).isEqualTo(Status.Code.UNKNOWN);
        assertThat(e.status().description()).isEqualTo(message);
        try (var call = stub.fullDuplexCall()) {
            call.send(StreamingOutputCallRequest.newBuilder()
                    .setResponseStatus(echo)
                    .build());
            call.halfClose();
            RpcException d = catchThrowableOfType(RpcException.class, () -> call.receive(TIMEOUT));
            assertThat(d.status().code()).isEqualTo(Status.Code.UNKNOWN);
            assertThat(d.status().description()).isEqualTo(message);
        }
    }

    private void clientCompressedUnary() {
        SimpleRequest expectCompressed = InteropCase.largeRequest()
                .setExpectCompressed(BoolValue.newBuilder().setValue(true))
                .build();
        assertCode(() -> stub.unaryCall(expectCompressed), Status.Code.INVALID_ARGUMENT);
        var gzip = stub.withOptions(CallOptions.DEFAULT.withTimeout(TIMEOUT).withCompression("gzip"));
        assertThat(gzip.unaryCall(expectCompressed).getPayload().getBody().size())
                .isEqualTo(InteropCase.LARGE_RESPONSE);
        SimpleRequest expectPlain = InteropCase.largeRequest()
                .setExpectCompressed(BoolValue.newBuilder().setValue(false))
                .build();
        assertThat(stub.unaryCall(expectPlain).getPayload().getBody().size()).isEqualTo(InteropCase.LARGE_RESPONSE);
    }

    private void clientCompressedStreaming() throws Exception {
        StreamingInputCallRequest probe = StreamingInputCallRequest.newBuilder()
                .setExpectCompressed(BoolValue.newBuilder().setValue(true))
                .setPayload(ConduitTestService.zeros(27182))
                .build();
        try (var call = stub.streamingInputCall()) {
            call.send(probe);
            call.halfClose();
            assertCode(() -> call.receive(TIMEOUT), Status.Code.INVALID_ARGUMENT);
        }
        // Per-message compression needs the call itself: compressed, then not, in one call.
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        ClientCall<StreamingInputCallRequest, StreamingInputCallResponse> call = channel.newCall(
                TestServiceRpc.METHOD_STREAMING_INPUT_CALL,
                CallOptions.DEFAULT.withTimeout(TIMEOUT).withCompression("gzip"));
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onMessage(StreamingInputCallResponse message) {
                        events.add(message);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        events.add(status);
                    }
                },
                new Metadata());
        call.request(1);
        call.sendMessage(probe);
        call.setMessageCompression(false);
        call.sendMessage(StreamingInputCallRequest.newBuilder()
                .setExpectCompressed(BoolValue.newBuilder().setValue(false))
                .setPayload(ConduitTestService.zeros(45904))
                .build());
        call.halfClose();
        Object first = events.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(first).isInstanceOf(StreamingInputCallResponse.class);
        assertThat(((StreamingInputCallResponse) first).getAggregatedPayloadSize())
                .isEqualTo(73086);
        assertThat(events.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(Status.OK);
    }
}
