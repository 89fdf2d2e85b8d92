package dev.conduit.rpc.internal.grpc;

import dev.conduit.rpc.Status;
import dev.conduit.rpc.internal.CarriedCall;
import dev.conduit.rpc.internal.Frame;

/**
 * One client call's HTTP/2 stream. The call id is the carrier's; the stream id is given on the event loop when the
 * request headers are written (HTTP/2 wants stream ids in the order streams start). Event loop only, except {@link
 * #gzip}, fixed by the call's first frame before anything is queued.
 */
final class GrpcClientStream implements MessageDeframer.Sink {
    final int callId;
    final CarriedCall call;
    final MessageDeframer deframer;
    /** Whether requests are gzip-compressed (the call asked for it). */
    volatile boolean gzip;

    int streamId;
    boolean headersReceived;
    boolean responseGzip;

    GrpcClientStream(int callId, CarriedCall call, int maxMessageSize, int window) {
        this.callId = callId;
        this.call = call;
        this.deframer = new MessageDeframer(this, maxMessageSize, window);
    }

    @Override
    public void message(byte[] payload, boolean compressed, long cost) {
        if (compressed && !responseGzip) {
            malformed("a compressed response without grpc-encoding");
            return;
        }
        call.onFrame(Frame.message(callId, payload, payload.length, cost, compressed));
    }

    @Override
    public void tooLarge(long length, int limit) {
        call.abort(
                Status.RESOURCE_EXHAUSTED.withDescription(
                        "response of " + length + " bytes exceeds the client's limit of " + limit + " bytes"),
                true);
    }

    @Override
    public void malformed(String why) {
        call.abort(Status.INTERNAL.withDescription("malformed response: " + why), true);
    }
}
