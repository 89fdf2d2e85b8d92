package dev.conduit.rpc.internal;

import dev.conduit.core.Idle;
import dev.conduit.rpc.ClientCall;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.Status;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The listener of a blocking unary call: records the response and status, and wakes the caller. Its callbacks run
 * on the transport thread (direct executor), so the response reaches the caller with one wake-up and no hop; or,
 * when the transport lets the waiting caller read its connection itself ({@link DeliverHere}), on the caller's own
 * thread, with no hop at all.
 */
public final class UnaryWaiter<Resp> extends ClientCall.Listener<Resp> implements BooleanSupplier {
    private static final VarHandle STATUS;

    static {
        try {
            STATUS = MethodHandles.lookup().findVarHandle(UnaryWaiter.class, "status", Status.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The calling thread's state (its deliver-here slot, whether it may block); its thread is the one to wake. */
    private final RpcThread caller = RpcThread.current();

    private @Nullable Resp value;
    private @Nullable Metadata trailers; // set with the status; made only for a failure that came without them
    private volatile @Nullable Status status;

    /** Made on the calling thread just before it starts the call: see {@link DeliverHere}. */
    public UnaryWaiter() {
        DeliverHere.arm(caller);
    }

    @Override
    public void onMessage(Resp message) {
        value = message;
    }

    @Override
    public void onClose(Status s, Metadata t) {
        trailers = t;
        // A release store publishes the response and trailers to the caller's read of status; no fence is needed
        // before the unpark, which hands its permit over whatever the caller has read.
        STATUS.setRelease(this, s);
        if (Thread.currentThread() != caller.owner) {
            LockSupport.unpark(caller.owner); // not when the caller read its own response (DeliverHere)
        }
    }

    /** The call could not be started: forgets the carrier this thread was told of, if any. Caller's thread. */
    public void abandon() {
        DeliverHere.take(caller);
    }

    /** Whether the call has ended: the condition {@link #await} waits on (the waiter itself, so waiting allocates nothing). */
    @Override
    public boolean getAsBoolean() {
        return status != null;
    }

    /**
     * Waits for the outcome: the response, or an {@link dev.conduit.rpc.RpcException}. If interrupted, cancels the
     * call and throws CANCELLED with the interrupt flag set again.
     */
    public Resp await(ClientCall<?, Resp> call, Idle idle) {
        try {
            ClientCarrier here = DeliverHere.take(caller);
            Waiting.await(this, idle, TransportThread.mayBlock(caller) ? here : null);
        } catch (InterruptedException e) {
            call.cancel("the calling thread was interrupted", e);
            Thread.currentThread().interrupt();
            throw Status.CANCELLED
                    .withDescription("the calling thread was interrupted")
                    .withCause(e)
                    .asException();
        }
        Status s = status;
        Resp v = value;
        if (s != null && s.isOk() && v != null) {
            return v;
        }
        Metadata t = trailers;
        throw (s != null ? s : Status.INTERNAL).asException(t != null ? t : new Metadata());
    }
}
