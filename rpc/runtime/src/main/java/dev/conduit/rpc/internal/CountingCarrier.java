package dev.conduit.rpc.internal;

import dev.conduit.rpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A carrier that tells {@link OutlierEjection} how each of its calls ended. Everything else goes straight to the
 * carrier it wraps. A {@link ClientCallImpl} (every call a channel makes) counts its own end, so that costs no object
 * per call; any other call is wrapped in one that counts.
 */
final class CountingCarrier implements ClientCarrier {
    private final ClientCarrier carrier;
    private final OutlierEjection outcomes;

    CountingCarrier(ClientCarrier carrier, OutlierEjection outcomes) {
        this.carrier = carrier;
        this.outcomes = outcomes;
    }

    @Override
    public int register(CarriedCall call) {
        if (call instanceof ClientCallImpl<?, ?> own) {
            own.countOutcomeIn(outcomes);
            return carrier.register(own);
        }
        return carrier.register(new Counted(call));
    }

    /** A call that reports its end once: CALL_END from the server, or an abort (lost connection, reset). */
    private final class Counted extends AtomicBoolean implements CarriedCall {
        private final CarriedCall call;

        Counted(CarriedCall call) {
            this.call = call;
        }

        @Override
        public void onFrame(Frame frame) {
            if (frame.type() == Frames.CALL_END && !frame.isAbortEnd() && compareAndSet(false, true)) {
                outcomes.record(Status.fromCodeValue(frame.code()).code());
            }
            call.onFrame(frame);
        }

        @Override
        public void grant(long credit) {
            call.grant(credit);
        }

        @Override
        public void abort(Status status, boolean tellPeer) {
            if (compareAndSet(false, true)) {
                outcomes.record(status.code());
            }
            call.abort(status, tellPeer);
        }

        @Override
        public void refused(Status status) {
            // Refused unprocessed (a GOAWAY before it): the server is going away, not failing calls; not counted.
            set(true);
            call.refused(status);
        }

        @Override
        public void sendFailed(Frame frame, Status status) {
            call.sendFailed(frame, status);
        }
    }

    @Override
    public void remove(int id) {
        carrier.remove(id);
    }

    @Override
    public boolean write(Frame frame) {
        return carrier.write(frame);
    }

    @Override
    public long initialSendCredit() {
        return carrier.initialSendCredit();
    }

    @Override
    public int peerMaxMessageSize() {
        return carrier.peerMaxMessageSize();
    }

    @Override
    public boolean acceptsCalls() {
        return carrier.acceptsCalls();
    }

    @Override
    public void drain() {
        carrier.drain();
    }

    @Override
    public void cancelAll(Status status) {
        carrier.cancelAll(status);
    }

    @Override
    public boolean deliverHere() {
        return carrier.deliverHere();
    }

    @Override
    public void stopDeliveringHere() {
        carrier.stopDeliveringHere();
    }

    @Override
    public int activeCalls() {
        return carrier.activeCalls();
    }
}
