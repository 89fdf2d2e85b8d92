package dev.conduit.rpc.internal;

import dev.conduit.rpc.Status;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outlier ejection of one endpoint by consecutive failures (after gRPC's outlier detection, gRFC A50): after {@link
 * Balancing#ejectAfter()} calls in a row end with a status that blames the endpoint, it takes no new call for {@link
 * Balancing#ejectionTime()}, times the number of ejections in a row (up to {@link Balancing#maxEjectionTime()}), then
 * is taken back; a call that then succeeds clears the count. The channel never ejects its last endpoint that is not
 * ejected, so that calls always have somewhere to go.
 *
 * <p>Failures are UNAVAILABLE, INTERNAL, UNKNOWN and DATA_LOSS (the endpoint is down or broken); CANCELLED and
 * DEADLINE_EXCEEDED say nothing about it; any other status is an answer, so a success. Thread-safe: outcomes come from
 * every transport thread; the per-call path is one atomic update.
 */
final class OutlierEjection {
    private static final Logger log = LoggerFactory.getLogger(OutlierEjection.class);

    private final ChannelCore owner;
    private final Subchannel endpoint;
    private final Balancing settings;
    private final AtomicInteger consecutive = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}: ejections in a row, without a success between. */
    private int ejections;
    /** When the current ejection ends ({@link System#nanoTime()}); meaningful while {@link #ejected} is set. */
    private volatile long until;

    private volatile boolean ejected;

    OutlierEjection(ChannelCore owner, Subchannel endpoint, Balancing settings) {
        this.owner = owner;
        this.endpoint = endpoint;
        this.settings = settings;
    }

    /** Whether the endpoint is ejected now. Lock-free: on the per-call pick. */
    boolean isEjected() {
        if (!ejected) {
            return false;
        }
        if (System.nanoTime() - until < 0) {
            return true;
        }
        ejected = false;
        return false;
    }

    /** A call through this endpoint ended with {@code code}. */
    void record(Status.Code code) {
        switch (code) {
            case UNAVAILABLE, INTERNAL, UNKNOWN, DATA_LOSS -> failed();
            case CANCELLED, DEADLINE_EXCEEDED -> {}
            default -> succeeded();
        }
    }

    private void succeeded() {
        if (consecutive.get() != 0) {
            consecutive.set(0);
        }
        if (ejections != 0 && !isEjected()) {
            lock.lock();
            try {
                ejections = 0;
            } finally {
                lock.unlock();
            }
        }
    }

    private void failed() {
        if (consecutive.incrementAndGet() < settings.ejectAfter() || isEjected() || !owner.mayEject()) {
            return;
        }
        long nanos;
        lock.lock();
        try {
            if (isEjected()) {
                return;
            }
            ejections++;
            nanos = Math.min(
                    settings.maxEjectionTime().toNanos(),
                    settings.ejectionTime().toNanos() * ejections);
            until = System.nanoTime() + nanos;
            ejected = true;
            consecutive.set(0);
        } finally {
            lock.unlock();
        }
        log.info(
                "ejected {} for {} ms after {} failed calls in a row",
                endpoint.target(),
                TimeUnit.NANOSECONDS.toMillis(nanos),
                settings.ejectAfter());
        try {
            // Calls waiting for a connection look again once the endpoint is back.
            owner.config().scheduler().schedule(owner::stateChanged, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the runtime is closing
        }
    }
}
