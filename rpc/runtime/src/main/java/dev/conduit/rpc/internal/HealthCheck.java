package dev.conduit.rpc.internal;

import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCall;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.health.HealthService;
import dev.conduit.rpc.health.v1.HealthCheckRequest;
import dev.conduit.rpc.health.v1.HealthCheckResponse;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client-side health checking of one endpoint (after gRFC A17): on each new connection, a {@code grpc.health.v1}
 * Watch call for one service name, on that connection. The endpoint takes calls only while the latest answer is
 * SERVING; until the first answer it counts as connecting. A server without the health service (UNIMPLEMENTED) is
 * taken as healthy, as gRPC does; a Watch that ends otherwise is reopened after the reconnect backoff, and the endpoint
 * takes no calls meanwhile.
 *
 * <p>Thread-safe: answers come on the channel's executor, starts and stops from the subchannel's state changes; a
 * generation number drops what an old Watch still says after a new one began.
 */
final class HealthCheck {
    private static final Logger log = LoggerFactory.getLogger(HealthCheck.class);

    private final ChannelCore owner;
    private final Subchannel endpoint;
    private final HealthCheckRequest request;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}, as are the two below. */
    private int generation;

    private @Nullable ClientCall<HealthCheckRequest, HealthCheckResponse> call;
    private @Nullable ScheduledFuture<?> retry;
    private volatile boolean serving;
    private volatile boolean answered;

    HealthCheck(ChannelCore owner, Subchannel endpoint, String service) {
        this.owner = owner;
        this.endpoint = endpoint;
        this.request = HealthCheckRequest.newBuilder().setService(service).build();
    }

    /** Whether the endpoint's latest answer is SERVING (or it has no health service). Lock-free: per call. */
    boolean serving() {
        return serving;
    }

    /** Whether the endpoint has answered since its connection was made. */
    boolean answered() {
        return answered;
    }

    /** Whether the endpoint answered, and not SERVING: it has failed, as far as calls are concerned. */
    boolean notServing() {
        return answered && !serving;
    }

    /** A new connection is ready: watches its health, taking it as not serving until it answers. */
    void start() {
        int g;
        lock.lock();
        try {
            stopLocked();
            g = generation;
            serving = false;
            answered = false;
        } finally {
            lock.unlock();
        }
        open(g);
    }

    /** The connection is gone, or the endpoint shut down: ends the Watch. */
    void stop() {
        lock.lock();
        try {
            stopLocked();
        } finally {
            lock.unlock();
        }
    }

    private void stopLocked() {
        generation++;
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
        if (call != null) {
            call.cancel("health check no longer needed", null);
            call = null;
        }
    }

    private void open(int g) {
        ClientCall<HealthCheckRequest, HealthCheckResponse> c =
                owner.newPinnedCall(endpoint, HealthService.WATCH, CallOptions.DEFAULT);
        lock.lock();
        try {
            if (g != generation) {
                return;
            }
            call = c;
            retry = null;
        } finally {
            lock.unlock();
        }
        c.start(new Watch(g, c), new Metadata());
        c.sendMessage(request);
        c.halfClose();
        c.request(1);
    }

    private boolean current(int g) {
        lock.lock();
        try {
            return g == generation;
        } finally {
            lock.unlock();
        }
    }

    private final class Watch extends ClientCall.Listener<HealthCheckResponse> {
        private final int g;
        private final ClientCall<HealthCheckRequest, HealthCheckResponse> c;

        Watch(int g, ClientCall<HealthCheckRequest, HealthCheckResponse> c) {
            this.g = g;
            this.c = c;
        }

        @Override
        public void onMessage(HealthCheckResponse response) {
            if (!current(g)) {
                return;
            }
            boolean now = response.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
            if (now != serving || !answered) {
                log.debug("health of {}: {}", endpoint.target(), response.getStatus());
            }
            serving = now;
            answered = true;
            owner.stateChanged();
            c.request(1);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            if (!current(g)) {
                return;
            }
            if (status.code() == Status.Code.UNIMPLEMENTED) {
                log.warn("{} offers no grpc.health.v1 service: health checking is off for it", endpoint.target());
                serving = true;
            } else {
                log.debug("health check of {} ended: {}", endpoint.target(), status);
                serving = false;
                scheduleRetry();
            }
            answered = true;
            owner.stateChanged();
        }

        private void scheduleRetry() {
            lock.lock();
            try {
                if (g != generation) {
                    return;
                }
                call = null;
                retry = owner.config()
                        .scheduler()
                        .schedule(() -> open(g), owner.backoffInitial().toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // the runtime is closing
            } finally {
                lock.unlock();
            }
        }
    }
}
