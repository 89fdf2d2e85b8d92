package dev.conduit.rpc.internal;

import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The load-balancing policies over a channel's subchannels (in the order they were added: the resolver's order).
 * {@code round_robin} takes the next endpoint that can take a call and keeps every endpoint connected; {@code
 * pick_first} takes the first that can, and connects the next only while the ones before it fail. An endpoint can take
 * a call when it is connected, not ejected and, with health checking, SERVING. Lock-free: runs on every call.
 */
final class Picker {
    private final Balancing.Policy policy;
    private final AtomicInteger next = new AtomicInteger();

    Picker(Balancing.Policy policy) {
        this.policy = policy;
    }

    /** A connection that takes the call now, or null. */
    @Nullable
    ClientCarrier pick(Subchannel[] all) {
        int n = all.length;
        if (n == 0) {
            return null;
        }
        if (policy == Balancing.Policy.PICK_FIRST) {
            for (Subchannel sc : all) {
                ClientCarrier c = sc.readyConnection();
                if (c != null) {
                    return c;
                }
            }
            return null;
        }
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Subchannel sc = all[(start + i) % n];
            ClientCarrier c = sc.readyConnection();
            if (c != null) {
                return c;
            }
            // An endpoint whose connection was lost reconnects, so that it takes its share again once it can.
            if (n > 1 && sc.state() == Subchannel.State.IDLE) {
                sc.requestConnection();
            }
        }
        return null;
    }

    /** Starts the connections the policy wants: every endpoint, or the first one that has not failed. */
    void connect(Subchannel[] all) {
        for (Subchannel sc : all) {
            if (policy == Balancing.Policy.ROUND_ROBIN) {
                sc.requestConnection();
                continue;
            }
            switch (sc.state()) {
                case IDLE -> {
                    sc.requestConnection();
                    return;
                }
                case CONNECTING -> {
                    return;
                }
                case READY -> {
                    // Connected and serving, or waiting for its first health answer: no need for the next one yet.
                    if (sc.readyConnection() != null || sc.awaitingHealth()) {
                        return;
                    }
                }
                default -> {}
            }
        }
    }

    /** Whether every endpoint has failed (so calls that do not wait for ready fail now). */
    static boolean allFailed(Subchannel[] all) {
        for (Subchannel sc : all) {
            if (!sc.failing()) {
                return false;
            }
        }
        return true;
    }

    /** Whether an endpoint other than one about to be ejected could still take calls. */
    static boolean mayEject(Subchannel[] all) {
        int usable = 0;
        for (Subchannel sc : all) {
            if (!sc.isEjected() && !sc.failing()) {
                usable++;
            }
        }
        return usable > 1;
    }
}
