package dev.conduit.rpc.interop;

import com.google.protobuf.ByteString;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.ServerCallContext;
import dev.conduit.rpc.ServerResponseObserver;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.StreamObserver;
import dev.conduit.rpc.interop.testing.EchoStatus;
import dev.conduit.rpc.interop.testing.Empty;
import dev.conduit.rpc.interop.testing.Payload;
import dev.conduit.rpc.interop.testing.ResponseParameters;
import dev.conduit.rpc.interop.testing.SimpleRequest;
import dev.conduit.rpc.interop.testing.SimpleResponse;
import dev.conduit.rpc.interop.testing.StreamingInputCallRequest;
import dev.conduit.rpc.interop.testing.StreamingInputCallResponse;
import dev.conduit.rpc.interop.testing.StreamingOutputCallRequest;
import dev.conduit.rpc.interop.testing.StreamingOutputCallResponse;
import dev.conduit.rpc.interop.testing.TestServiceRpc;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * gRPC's interop test server ({@code grpc.testing.TestService}) on Conduit, through the generated stubs: every server
 * feature of grpc's {@code doc/interop-test-descriptions.md} that the cases we run need, with compression and
 * metadata through {@link ServerCallContext}.
 */
final class ConduitTestService implements TestServiceRpc.Service {
    static final String ECHO_INITIAL = "x-grpc-test-echo-initial";
    static final String ECHO_TRAILING = "x-grpc-test-echo-trailing-bin";

    @Override
    public Empty emptyCall(Empty request) {
        return Empty.getDefaultInstance();
    }

    @Override
    public SimpleResponse unaryCall(SimpleRequest request) {
        ServerCallContext ctx = ServerCallContext.current();
        echoMetadata(ctx);
        if (request.hasExpectCompressed() && request.getExpectCompressed().getValue() != ctx.isRequestCompressed()) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("expected a "
                            + (request.getExpectCompressed().getValue() ? "" : "un") + "compressed request")
                    .asException();
        }
        if (request.hasResponseCompressed()) {
            ctx.setResponseCompression(request.getResponseCompressed().getValue() ? "gzip" : "identity");
        }
        echoStatus(request.hasResponseStatus() ? request.getResponseStatus() : null);
        return SimpleResponse.newBuilder()
                .setPayload(zeros(request.getResponseSize()))
                .build();
    }

    @Override
    public void streamingOutputCall(
            StreamingOutputCallRequest request, ServerResponseObserver<StreamingOutputCallResponse> responses) {
        echoStatus(request.hasResponseStatus() ? request.getResponseStatus() : null);
        respond(request, responses);
        responses.onCompleted();
    }

    @Override
    public StreamObserver<StreamingInputCallRequest> streamingInputCall(
            ServerResponseObserver<StreamingInputCallResponse> responses) {
        ServerCallContext ctx = responses.context();
        return new StreamObserver<>() {
            private int total;
            private boolean failed;

            @Override
            public void onNext(StreamingInputCallRequest r) {
                if (failed) {
                    return;
                }
                if (r.hasExpectCompressed() && r.getExpectCompressed().getValue() != ctx.isRequestCompressed()) {
                    failed = true;
                    responses.onError(Status.INVALID_ARGUMENT
                            .withDescription("a request was not compressed as it said")
                            .asException());
                    return;
                }
                total += r.getPayload().getBody().size();
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                if (!failed) {
                    responses.onNext(StreamingInputCallResponse.newBuilder()
                            .setAggregatedPayloadSize(total)
                            .build());
                    responses.onCompleted();
                }
            }
        };
    }

    @Override
    public StreamObserver<StreamingOutputCallRequest> fullDuplexCall(
            ServerResponseObserver<StreamingOutputCallResponse> responses) {
        echoMetadata(responses.context());
        return new StreamObserver<>() {
            private boolean ended;

            @Override
            public void onNext(StreamingOutputCallRequest r) {
                if (ended) {
                    return;
                }
                if (r.hasResponseStatus() && r.getResponseStatus().getCode() != 0) {
                    ended = true;
                    EchoStatus s = r.getResponseStatus();
                    responses.onError(Status.fromCodeValue(s.getCode())
                            .withDescription(s.getMessage())
                            .asException());
                    return;
                }
                respond(r, responses);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                if (!ended) {
                    responses.onCompleted();
                }
            }
        };
    }

    private static void respond(
            StreamingOutputCallRequest request, ServerResponseObserver<StreamingOutputCallResponse> responses) {
        ServerCallContext ctx = responses.context();
        boolean anyCompressed = request.getResponseParametersList().stream()
                .anyMatch(p -> p.hasCompressed() && p.getCompressed().getValue());
        if (anyCompressed) {
            ctx.setResponseCompression("gzip");
        }
        for (ResponseParameters p : request.getResponseParametersList()) {
            if (p.getIntervalUs() > 0) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(p.getIntervalUs()));
            }
            ctx.setMessageCompression(p.hasCompressed() && p.getCompressed().getValue());
            responses.onNext(StreamingOutputCallResponse.newBuilder()
                    .setPayload(zeros(p.getSize()))
                    .build());
        }
    }

    /** Sends back the echo headers the client sent: the text one in response headers, the binary one in trailers. */
    private static void echoMetadata(ServerCallContext ctx) {
        Metadata in = ctx.requestHeaders();
        String initial = in.get(ECHO_INITIAL);
        if (initial != null) {
            ctx.responseHeaders().put(ECHO_INITIAL, initial);
        }
        byte[] trailing = in.getBinary(ECHO_TRAILING);
        if (trailing != null) {
            ctx.responseTrailers().putBinary(ECHO_TRAILING, trailing);
        }
    }

    private static void echoStatus(EchoStatus s) {
        if (s != null && s.getCode() != 0) {
            throw Status.fromCodeValue(s.getCode())
                    .withDescription(s.getMessage())
                    .asException();
        }
    }

    static Payload zeros(int size) {
        return Payload.newBuilder().setBody(ByteString.copyFrom(new byte[size])).build();
    }
}
