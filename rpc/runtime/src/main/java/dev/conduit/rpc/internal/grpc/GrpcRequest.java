package dev.conduit.rpc.internal.grpc;

import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.internal.MessageEncoding;
import io.netty.handler.codec.http2.Http2Headers;
import org.jspecify.annotations.Nullable;

/**
 * A request's headers, read and checked as gRPC's protocol says: what the server answers a request that is not gRPC
 * (an HTTP status) or is gRPC but cannot be served (a gRPC status), or else the call to start.
 *
 * @param method {@code package.Service/Method}
 * @param headers the application's metadata
 * @param timeoutNanos the client's {@code grpc-timeout}, or -1 for none
 * @param requestGzip whether requests are gzip-compressed
 * @param acceptsGzip whether the client accepts gzip-compressed responses
 * @param httpStatus for a request that is not gRPC, the HTTP status to answer with; else 0
 * @param error why the request is refused, or null to serve it
 */
record GrpcRequest(
        String method,
        Metadata headers,
        long timeoutNanos,
        boolean requestGzip,
        boolean acceptsGzip,
        int httpStatus,
        @Nullable Status error) {

    /** Reads {@code h}, a client's request headers. */
    static GrpcRequest read(Http2Headers h) {
        CharSequence method = h.method();
        if (method == null || !GrpcHeaders.POST.contentEquals(method)) {
            return refuse(405, Status.INTERNAL, "method " + method + " is not supported; gRPC uses POST");
        }
        CharSequence contentType = h.get(GrpcHeaders.CONTENT_TYPE);
        if (contentType == null || !GrpcHeaders.isGrpcContentType(contentType)) {
            return refuse(415, Status.INTERNAL, "content-type " + contentType + " is not application/grpc");
        }
        CharSequence path = h.path();
        String p = path == null ? "" : path.toString();
        int slash = p.indexOf('/', 1);
        if (!p.startsWith("/") || slash < 2 || slash == p.length() - 1 || p.indexOf('/', slash + 1) >= 0) {
            return refuse(404, Status.UNIMPLEMENTED, "path '" + p + "' is not /package.Service/Method");
        }
        long timeout = -1;
        CharSequence t = h.get(GrpcHeaders.GRPC_TIMEOUT);
        if (t != null) {
            timeout = GrpcHeaders.parseTimeout(t);
            if (timeout < 0) {
                return refuse(0, Status.INTERNAL, "malformed grpc-timeout '" + t + "'; expected 1-8 digits and a unit");
            }
        }
        CharSequence encoding = h.get(GrpcHeaders.GRPC_ENCODING);
        if (encoding != null && !MessageEncoding.isSupported(encoding.toString())) {
            return refuse(
                    0,
                    Status.UNIMPLEMENTED,
                    "grpc-encoding '" + encoding + "' is not supported; this server accepts " + MessageEncoding.ACCEPTED
                            + ", identity");
        }
        boolean gzip = encoding != null && GrpcHeaders.GZIP.contentEqualsIgnoreCase(encoding);
        boolean accepts = MessageEncoding.acceptsGzip(h.get(GrpcHeaders.GRPC_ACCEPT_ENCODING));
        return new GrpcRequest(p.substring(1), GrpcHeaders.toMetadata(h, true), timeout, gzip, accepts, 0, null);
    }

    private static GrpcRequest refuse(int httpStatus, Status status, String why) {
        return new GrpcRequest("", new Metadata(), -1, false, false, httpStatus, status.withDescription(why));
    }
}
