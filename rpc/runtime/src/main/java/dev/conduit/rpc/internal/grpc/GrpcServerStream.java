package dev.conduit.rpc.internal.grpc;

import dev.conduit.rpc.Status;
import dev.conduit.rpc.internal.CarriedCall;
import dev.conduit.rpc.internal.Frame;
import org.jspecify.annotations.Nullable;

/**
 * One server call's HTTP/2 stream: the call it carries, the deframer of its requests, and what has been sent. The
 * reading side runs on the event loop; {@link #gzip} is decided by the first response frame, on the thread that writes
 * it, before the frame is queued.
 */
final class GrpcServerStream implements MessageDeframer.Sink {
    final int id;
    final MessageDeframer deframer;
    /** Whether the client sent {@code grpc-encoding: gzip}. */
    final boolean requestGzip;
    /** Whether the client lists gzip in {@code grpc-accept-encoding}. */
    final boolean clientAcceptsGzip;

    @Nullable
    CarriedCall call;

    /** Whether responses are compressed; set by the first response frame. */
    volatile boolean gzip;

    volatile boolean encodingChosen;
    /** Event loop only: whether the response headers went out. */
    boolean headersSent;

    GrpcServerStream(int id, int maxMessageSize, int window, boolean requestGzip, boolean clientAcceptsGzip) {
        this.id = id;
        this.deframer = new MessageDeframer(this, maxMessageSize, window);
        this.requestGzip = requestGzip;
        this.clientAcceptsGzip = clientAcceptsGzip;
    }

    CarriedCall call() {
        CarriedCall c = call;
        if (c == null) {
            throw new IllegalStateException("stream " + id + " has no call yet");
        }
        return c;
    }

    /** Fixes the response encoding from the first response frame; later frames change nothing. */
    void chooseEncoding(Frame first) {
        if (!encodingChosen) {
            gzip = clientAcceptsGzip && "gzip".equals(first.encoding());
            encodingChosen = true;
        }
    }

    @Override
    public void message(byte[] payload, boolean compressed, long cost) {
        if (compressed && !requestGzip) {
            malformed("a compressed message without grpc-encoding");
            return;
        }
        call().onFrame(Frame.message(id, payload, payload.length, cost, compressed));
    }

    @Override
    public void tooLarge(long length, int limit) {
        call().abort(
                        Status.RESOURCE_EXHAUSTED.withDescription(
                                "request of " + length + " bytes exceeds the server's limit of " + limit + " bytes"),
                        true);
    }

    @Override
    public void malformed(String why) {
        call().abort(Status.INTERNAL.withDescription("malformed request: " + why), true);
    }
}
