package dev.conduit.rpc.health;

import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.ServerResponseObserver;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.health.v1.HealthCheckResponse;
import dev.conduit.rpc.health.v1.HealthCheckResponse.ServingStatus;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One Watch call. Updates are offered under the health service's lock (so they land in the order they took effect)
 * and sent outside it, only while the call is ready: a client that does not read holds one pending status, the
 * latest, never a queue. {@link #flush} runs on whichever thread changed a status, on the handler thread, and on the
 * call's ready callbacks; its own lock keeps the observer to one thread at a time.
 */
final class HealthWatcher {
    private final ReentrantLock stateLock;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ServerResponseObserver<HealthCheckResponse> responses;
    /** Guarded by {@link #stateLock}: the status to send next, and whether the call ends after it. */
    private @Nullable ServingStatus pending;

    private boolean ending;
    /** Guarded by {@link #sendLock}. */
    private @Nullable ServingStatus sent;

    private volatile boolean done;

    HealthWatcher(ReentrantLock stateLock, ServerResponseObserver<HealthCheckResponse> responses) {
        this.stateLock = stateLock;
        this.responses = responses;
    }

    /** Records the latest status; the caller holds the state lock and calls {@link #flush} after releasing it. */
    void offerLocked(ServingStatus status, boolean end) {
        pending = status;
        ending |= end;
    }

    boolean isDone() {
        return done;
    }

    /** Sends what is pending while the call is ready; ends the call once the last status is out, if it must end. */
    void flush() {
        sendLock.lock();
        try {
            while (!done && responses.isReady()) {
                ServingStatus next;
                boolean end;
                stateLock.lock();
                try {
                    next = pending;
                    pending = null;
                    end = ending;
                } finally {
                    stateLock.unlock();
                }
                if (next != null && next != sent) {
                    responses.onNext(
                            HealthCheckResponse.newBuilder().setStatus(next).build());
                    sent = next;
                } else if (end) {
                    done = true;
                    responses.onError(Status.UNAVAILABLE
                            .withDescription("the server is shutting down")
                            .asException());
                } else {
                    return;
                }
            }
        } catch (RpcException e) {
            done = true; // the call was cancelled: nothing more to tell it
        } finally {
            sendLock.unlock();
        }
    }
}
