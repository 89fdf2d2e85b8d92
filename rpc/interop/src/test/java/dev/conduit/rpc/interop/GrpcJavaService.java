package dev.conduit.rpc.interop;

import com.google.protobuf.ByteString;
import dev.conduit.rpc.interop.testing.Empty;
import dev.conduit.rpc.interop.testing.Payload;
import dev.conduit.rpc.interop.testing.ResponseParameters;
import dev.conduit.rpc.interop.testing.SimpleRequest;
import dev.conduit.rpc.interop.testing.SimpleResponse;
import dev.conduit.rpc.interop.testing.StreamingInputCallRequest;
import dev.conduit.rpc.interop.testing.StreamingInputCallResponse;
import dev.conduit.rpc.interop.testing.StreamingOutputCallRequest;
import dev.conduit.rpc.interop.testing.StreamingOutputCallResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The same interop test service on grpc-java, with method descriptors written by hand (grpc-java's code generator is
 * a native binary; these are a few lines). Whether each request arrived compressed is learnt from a stream tracer:
 * compressed messages are smaller on the wire than decoded.
 */
final class GrpcJavaService {
    private GrpcJavaService() {}

    static final String SERVICE = "grpc.testing.TestService";

    static final MethodDescriptor<Empty, Empty> EMPTY_CALL = method(
            "EmptyCall", MethodDescriptor.MethodType.UNARY, Empty.getDefaultInstance(), Empty.getDefaultInstance());
    static final MethodDescriptor<SimpleRequest, SimpleResponse> UNARY_CALL = method(
            "UnaryCall",
            MethodDescriptor.MethodType.UNARY,
            SimpleRequest.getDefaultInstance(),
            SimpleResponse.getDefaultInstance());
    static final MethodDescriptor<StreamingOutputCallRequest, StreamingOutputCallResponse> STREAMING_OUTPUT_CALL =
            method(
                    "StreamingOutputCall",
                    MethodDescriptor.MethodType.SERVER_STREAMING,
                    StreamingOutputCallRequest.getDefaultInstance(),
                    StreamingOutputCallResponse.getDefaultInstance());
    static final MethodDescriptor<StreamingInputCallRequest, StreamingInputCallResponse> STREAMING_INPUT_CALL = method(
            "StreamingInputCall",
            MethodDescriptor.MethodType.CLIENT_STREAMING,
            StreamingInputCallRequest.getDefaultInstance(),
            StreamingInputCallResponse.getDefaultInstance());
    static final MethodDescriptor<StreamingOutputCallRequest, StreamingOutputCallResponse> FULL_DUPLEX_CALL = method(
            "FullDuplexCall",
            MethodDescriptor.MethodType.BIDI_STREAMING,
            StreamingOutputCallRequest.getDefaultInstance(),
            StreamingOutputCallResponse.getDefaultInstance());
    static final MethodDescriptor<Empty, Empty> UNIMPLEMENTED_CALL = method(
            "UnimplementedCall",
            MethodDescriptor.MethodType.UNARY,
            Empty.getDefaultInstance(),
            Empty.getDefaultInstance());
    static final MethodDescriptor<Empty, Empty> UNIMPLEMENTED_SERVICE_CALL = MethodDescriptor.<Empty, Empty>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("grpc.testing.UnimplementedService/UnimplementedCall")
            .setRequestMarshaller(ProtoUtils.marshaller(Empty.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(Empty.getDefaultInstance()))
            .build();

    static final Metadata.Key<String> ECHO_INITIAL =
            Metadata.Key.of(ConduitTestService.ECHO_INITIAL, Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<byte[]> ECHO_TRAILING =
            Metadata.Key.of(ConduitTestService.ECHO_TRAILING, Metadata.BINARY_BYTE_MARSHALLER);

    private static <Req extends com.google.protobuf.Message, Resp extends com.google.protobuf.Message>
            MethodDescriptor<Req, Resp> method(String name, MethodDescriptor.MethodType type, Req req, Resp resp) {
        return MethodDescriptor.<Req, Resp>newBuilder()
                .setType(type)
                .setFullMethodName(SERVICE + "/" + name)
                .setRequestMarshaller(ProtoUtils.marshaller(req))
                .setResponseMarshaller(ProtoUtils.marshaller(resp))
                .build();
    }

    // ---------------------------------------------------------------- compression seen by the server

    private static final Context.Key<ConcurrentLinkedQueue<long[]>> SIZES = Context.key("sizes");

    /**
     * Records each request's size on the wire and decoded. grpc-java reports the wire size once per message when it
     * cuts it, and the decoded size then (uncompressed) or while the message is parsed, just before the handler gets
     * it, one message at a time; so the decoded bytes belong to the oldest message the handler has not taken yet.
     */
    static final ServerStreamTracer.Factory TRACER = new ServerStreamTracer.Factory() {
        @Override
        public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
            ConcurrentLinkedQueue<long[]> sizes = new ConcurrentLinkedQueue<>();
            return new ServerStreamTracer() {
                @Override
                public Context filterContext(Context context) {
                    return context.withValue(SIZES, sizes);
                }

                private final java.util.List<Boolean> sent = new java.util.ArrayList<>();

                @Override
                public void outboundMessageSent(int seqNo, long wireSize, long uncompressedSize) {
                    synchronized (sent) {
                        sent.add(wireSize >= 0 && uncompressedSize > wireSize);
                    }
                }

                @Override
                public void streamClosed(Status status) {
                    if (fullMethodName.endsWith("/UnaryCall") || fullMethodName.endsWith("/StreamingOutputCall")) {
                        synchronized (sent) {
                            RESPONSES_COMPRESSED.add(List.copyOf(sent));
                        }
                    }
                }

                @Override
                public void inboundMessageRead(int seqNo, long wireSize, long uncompressedSize) {
                    sizes.add(new long[] {wireSize, 0}); // once per message; the decoded size follows
                }

                @Override
                public void inboundUncompressedSize(long bytes) {
                    long[] oldest = sizes.peek();
                    if (oldest != null) {
                        oldest[1] += bytes;
                    }
                }
            };
        }
    };

    /** For each UnaryCall and StreamingOutputCall served, in order: which of its responses went out compressed. */
    static final BlockingQueue<List<Boolean>> RESPONSES_COMPRESSED = new LinkedBlockingQueue<>();

    /** Asserts that the next call recorded compressed exactly the responses {@code expected} says. */
    static void assertResponsesCompressed(boolean[] expected) {
        try {
            List<Boolean> sent = RESPONSES_COMPRESSED.poll(30, TimeUnit.SECONDS);
            List<Boolean> want = new java.util.ArrayList<>();
            for (boolean b : expected) {
                want.add(b);
            }
            org.assertj.core.api.Assertions.assertThat(sent)
                    .as("the grpc-java server compressed these responses")
                    .isEqualTo(want);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Whether the request the handler is about to read arrived compressed (smaller on the wire than decoded). */
    private static boolean nextRequestCompressed() {
        long[] s = SIZES.get().poll();
        return s != null && s[0] < s[1];
    }

    // ---------------------------------------------------------------- the service

    static ServerServiceDefinition definition() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(EMPTY_CALL, ServerCalls.asyncUnaryCall((req, obs) -> {
                    obs.onNext(Empty.getDefaultInstance());
                    obs.onCompleted();
                }))
                .addMethod(UNARY_CALL, ServerCalls.asyncUnaryCall(GrpcJavaService::unary))
                .addMethod(STREAMING_OUTPUT_CALL, ServerCalls.asyncServerStreamingCall((req, obs) -> {
                    if (!echoStatus(req.hasResponseStatus() ? req.getResponseStatus() : null, obs)) {
                        respond(req, (ServerCallStreamObserver<StreamingOutputCallResponse>) obs);
                        obs.onCompleted();
                    }
                }))
                .addMethod(STREAMING_INPUT_CALL, ServerCalls.asyncClientStreamingCall(GrpcJavaService::input))
                .addMethod(FULL_DUPLEX_CALL, ServerCalls.asyncBidiStreamingCall(GrpcJavaService::duplex))
                .build();
    }

    /** Echoes the interop metadata: the initial header back as a header, the binary one as a trailer. */
    static final ServerInterceptor ECHO_METADATA = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(
                ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            String initial = headers.get(ECHO_INITIAL);
            byte[] trailing = headers.get(ECHO_TRAILING);
            ServerCall<Q, R> echoing = new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void sendHeaders(Metadata responseHeaders) {
                    if (initial != null) {
                        responseHeaders.put(ECHO_INITIAL, initial);
                    }
                    super.sendHeaders(responseHeaders);
                }

                @Override
                public void close(Status status, Metadata trailers) {
                    if (trailing != null) {
                        trailers.put(ECHO_TRAILING, trailing);
                    }
                    super.close(status, trailers);
                }
            };
            return Contexts.interceptCall(Context.current(), echoing, headers, next);
        }
    };

    private static void unary(SimpleRequest req, StreamObserver<SimpleResponse> obs) {
        boolean compressed = nextRequestCompressed();
        if (req.hasExpectCompressed() && req.getExpectCompressed().getValue() != compressed) {
            obs.onError(Status.INVALID_ARGUMENT
                    .withDescription("compression not as expected")
                    .asRuntimeException());
            return;
        }
        if (echoStatus(req.hasResponseStatus() ? req.getResponseStatus() : null, obs)) {
            return;
        }
        ServerCallStreamObserver<SimpleResponse> s = (ServerCallStreamObserver<SimpleResponse>) obs;
        if (req.hasResponseCompressed()) {
            s.setCompression(req.getResponseCompressed().getValue() ? "gzip" : "identity");
        }
        obs.onNext(SimpleResponse.newBuilder()
                .setPayload(zeros(req.getResponseSize()))
                .build());
        obs.onCompleted();
    }

    private static StreamObserver<StreamingInputCallRequest> input(StreamObserver<StreamingInputCallResponse> obs) {
        return new StreamObserver<>() {
            private int total;
            private boolean failed;

            @Override
            public void onNext(StreamingInputCallRequest r) {
                boolean compressed = nextRequestCompressed();
                if (!failed
                        && r.hasExpectCompressed()
                        && r.getExpectCompressed().getValue() != compressed) {
                    failed = true;
                    obs.onError(Status.INVALID_ARGUMENT
                            .withDescription("compression not as expected")
                            .asRuntimeException());
                }
                total += r.getPayload().getBody().size();
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                if (!failed) {
                    obs.onNext(StreamingInputCallResponse.newBuilder()
                            .setAggregatedPayloadSize(total)
                            .build());
                    obs.onCompleted();
                }
            }
        };
    }

    private static StreamObserver<StreamingOutputCallRequest> duplex(StreamObserver<StreamingOutputCallResponse> obs) {
        return new StreamObserver<>() {
            private boolean ended;

            @Override
            public void onNext(StreamingOutputCallRequest r) {
                if (!ended && !(ended = echoStatus(r.hasResponseStatus() ? r.getResponseStatus() : null, obs))) {
                    respond(r, (ServerCallStreamObserver<StreamingOutputCallResponse>) obs);
                }
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                if (!ended) {
                    obs.onCompleted();
                }
            }
        };
    }

    private static void respond(
            StreamingOutputCallRequest req, ServerCallStreamObserver<StreamingOutputCallResponse> obs) {
        if (req.getResponseParametersList().stream()
                .anyMatch(p -> p.getCompressed().getValue())) {
            obs.setCompression("gzip");
        }
        for (ResponseParameters p : req.getResponseParametersList()) {
            if (p.getIntervalUs() > 0) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(p.getIntervalUs()));
            }
            obs.setMessageCompression(p.getCompressed().getValue());
            obs.onNext(StreamingOutputCallResponse.newBuilder()
                    .setPayload(zeros(p.getSize()))
                    .build());
        }
    }

    private static boolean echoStatus(dev.conduit.rpc.interop.testing.EchoStatus s, StreamObserver<?> obs) {
        if (s != null && s.getCode() != 0) {
            obs.onError(Status.fromCodeValue(s.getCode())
                    .withDescription(s.getMessage())
                    .asRuntimeException());
            return true;
        }
        return false;
    }

    static Payload zeros(int size) {
        return Payload.newBuilder().setBody(ByteString.copyFrom(new byte[size])).build();
    }
}
