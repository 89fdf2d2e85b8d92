package dev.conduit.rpc.internal.grpc;

import dev.conduit.rpc.Metadata;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;

/** The header blocks of gRPC responses: headers, trailers, Trailers-Only, and the answer to a non-gRPC request. */
final class GrpcResponses {
    private GrpcResponses() {}

    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain; charset=utf-8");

    /** Response-Headers: {@code :status 200}, the content type, the encodings, then the application's metadata. */
    static Http2Headers headers(boolean gzip, @Nullable Metadata md) {
        Http2Headers h = new DefaultHttp2Headers(false)
                .status(GrpcHeaders.OK)
                .add(GrpcHeaders.CONTENT_TYPE, GrpcHeaders.APPLICATION_GRPC);
        if (gzip) {
            h.add(GrpcHeaders.GRPC_ENCODING, GrpcHeaders.GZIP);
        }
        h.add(GrpcHeaders.GRPC_ACCEPT_ENCODING, GrpcHeaders.GZIP);
        if (md != null) {
            GrpcHeaders.addMetadata(h, md);
        }
        return h;
    }

    /** Trailers: {@code grpc-status} (always), {@code grpc-message} if there is one, then the metadata. */
    static Http2Headers trailers(int code, @Nullable String message, @Nullable Metadata md) {
        Http2Headers h = new DefaultHttp2Headers(false);
        addStatus(h, code, message);
        if (md != null) {
            GrpcHeaders.addMetadata(h, md);
        }
        return h;
    }

    /** Trailers-Only: one block with {@code :status 200}, the content type, the status and all metadata. */
    static Http2Headers trailersOnly(
            int code, @Nullable String message, @Nullable Metadata headers, @Nullable Metadata trailers) {
        Http2Headers h = new DefaultHttp2Headers(false)
                .status(GrpcHeaders.OK)
                .add(GrpcHeaders.CONTENT_TYPE, GrpcHeaders.APPLICATION_GRPC)
                .add(GrpcHeaders.GRPC_ACCEPT_ENCODING, GrpcHeaders.GZIP);
        addStatus(h, code, message);
        if (headers != null) {
            GrpcHeaders.addMetadata(h, headers);
        }
        if (trailers != null) {
            GrpcHeaders.addMetadata(h, trailers);
        }
        return h;
    }

    /**
     * The answer to a request that is not gRPC: the HTTP status, a plain-text content type (so that no client takes
     * it for a gRPC response), and the gRPC status for gRPC clients behind a broken proxy.
     */
    static Http2Headers httpError(int httpStatus, int code, String message) {
        Http2Headers h = new DefaultHttp2Headers(false)
                .status(AsciiString.of(Integer.toString(httpStatus)))
                .add(GrpcHeaders.CONTENT_TYPE, TEXT_PLAIN);
        addStatus(h, code, message);
        return h;
    }

    private static void addStatus(Http2Headers h, int code, @Nullable String message) {
        h.add(GrpcHeaders.GRPC_STATUS, AsciiString.of(Integer.toString(code)));
        if (message != null && !message.isEmpty()) {
            h.add(GrpcHeaders.GRPC_MESSAGE, GrpcHeaders.percentEncode(message));
        }
    }
}
