package dev.conduit.rpc.internal.grpc;

import dev.conduit.rpc.Status;
import io.netty.handler.codec.http2.Http2Error;

/** gRPC's mappings between HTTP/2 and call status: RST_STREAM codes and HTTP statuses (gRPC's protocol docs). */
final class GrpcStatus {
    private GrpcStatus() {}

    /** The status of a call whose stream the peer reset with {@code errorCode}. */
    static Status fromResetCode(long errorCode) {
        Http2Error error = Http2Error.valueOf(errorCode);
        String what = "the peer reset the stream (" + (error != null ? error.name() : "error " + errorCode) + ")";
        if (error == null) {
            return Status.INTERNAL.withDescription(what);
        }
        return switch (error) {
            case REFUSED_STREAM -> Status.UNAVAILABLE.withDescription(what + "; the call was not processed");
            case CANCEL -> Status.CANCELLED.withDescription(what);
            case ENHANCE_YOUR_CALM -> Status.RESOURCE_EXHAUSTED.withDescription(what + ": too much traffic");
            case INADEQUATE_SECURITY -> Status.PERMISSION_DENIED.withDescription(what + ": insecure transport");
            default -> Status.INTERNAL.withDescription(what);
        };
    }

    /** The status a client reports for a response with HTTP status {@code httpStatus} and no gRPC status. */
    static Status fromHttpStatus(int httpStatus) {
        Status.Code code = switch (httpStatus) {
            case 400 -> Status.Code.INTERNAL;
            case 401 -> Status.Code.UNAUTHENTICATED;
            case 403 -> Status.Code.PERMISSION_DENIED;
            case 404 -> Status.Code.UNIMPLEMENTED;
            case 429, 502, 503, 504 -> Status.Code.UNAVAILABLE;
            default -> Status.Code.UNKNOWN;
        };
        return code.toStatus().withDescription("HTTP status " + httpStatus + " without a gRPC status");
    }
}
