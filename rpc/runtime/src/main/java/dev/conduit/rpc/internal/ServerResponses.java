package dev.conduit.rpc.internal;

import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.Status;
import org.jspecify.annotations.Nullable;

/**
 * The frames of a server call's response: its messages, and the CALL_END that carries the status, the trailers, the
 * single response of a call that sends one, and (the first frame of all does) the response headers and encoding.
 * Used from the handler's side of {@link ServerCallImpl}, one thread at a time; encoding and compression may be set
 * from any thread.
 */
final class ServerResponses<Resp> {
    private final ServerCarrier conn;
    private final int id;
    private final MethodDescriptor<?, Resp> method;
    private final ServerContext context;
    private boolean firstFrameQueued;
    private @Nullable Resp single;
    private volatile @Nullable String encoding;
    /** Responses are not to be compressed; inverted so that a call starts with the default and no volatile store. */
    private volatile boolean uncompressed;

    ServerResponses(ServerCarrier conn, int id, MethodDescriptor<?, Resp> method, ServerContext context) {
        this.conn = conn;
        this.id = id;
        this.method = method;
        this.context = context;
    }

    /**
     * The MESSAGE frame for {@code message}, or null where the method sends one response: that one is kept, to go
     * with the status in one CALL_END frame.
     *
     * @throws IllegalStateException for a second response where the method sends one
     */
    @Nullable
    Frame message(Resp message) {
        if (method.type().serverSendsOne()) {
            if (single != null) {
                throw new IllegalStateException(method.fullName() + " is " + method.type() + ": one response only");
            }
            single = message;
            return null;
        }
        Frame f = new Frame(Frames.MESSAGE, 0, id)
                .withMessage(message, method.responseCodec(), conn.peerMaxMessageSize());
        f.compressed = !uncompressed;
        first(f);
        return f;
    }

    /** The CALL_END frame: {@code status}, the trailers (the context's and {@code trailers}), the kept response. */
    Frame end(Status status, Metadata trailers) {
        Frame end = Frame.status(Frames.CALL_END, id, status.code().value(), status.description());
        Metadata added = context.trailersOrNull();
        Metadata all =
                added == null || added.isEmpty() ? trailers : added.copy().merge(trailers);
        Metadata headers = context.outgoingHeadersOrNull();
        if (!firstFrameQueued && !conn.sendsResponseHeaders() && headers != null && !headers.isEmpty()) {
            all = headers.copy().merge(all); // no place of their own: they travel with the trailers
        }
        end.metadata = all;
        Resp response = single;
        if (response != null && status.isOk()) {
            end.flags |= Frames.FLAG_MESSAGE;
            end.withMessage(response, method.responseCodec(), conn.peerMaxMessageSize());
            end.compressed = !uncompressed;
        }
        single = null;
        first(end);
        return end;
    }

    /** The first frame of the response carries its headers and encoding, for carriers that send them first. */
    private void first(Frame f) {
        if (firstFrameQueued) {
            return;
        }
        firstFrameQueued = true;
        f.encoding = encoding;
        if (conn.sendsResponseHeaders()) {
            Metadata headers = context.outgoingHeadersOrNull();
            f.responseHeaders = headers != null ? headers.copy() : new Metadata();
        }
    }

    /** Asks for responses compressed with {@code name}, if the client accepts it; before the first response. */
    void setEncoding(String name) {
        encoding = MessageEncoding.check(name);
    }

    void setCompression(boolean on) {
        uncompressed = !on;
    }
}
