package dev.conduit.core.internal;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.MessageHandler;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A handler that writes down what it was given and in which order, and notices two deliveries at once. It spins a
 * little in each call, which widens the window in which a broken channel would deliver concurrently.
 */
final class Deliveries implements MessageHandler<String> {
    private final StringBuffer log = new StringBuffer();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean overlapped;

    @Override
    public void onMessage(Channel<String> channel, String message) {
        enter();
        log.append(message);
        leave();
    }

    @Override
    public void onClose(Channel<String> channel, CloseReason reason) {
        enter();
        log.append('C');
        leave();
    }

    private void enter() {
        if (running.incrementAndGet() != 1) {
            overlapped = true;
        }
        for (int i = 0; i < 64; i++) {
            Thread.onSpinWait();
        }
    }

    private void leave() {
        running.decrementAndGet();
    }

    /** What was delivered, in order ({@code C} for the close), or {@code -} for nothing; {@code !} if ever concurrent. */
    String outcome() {
        String s = log.length() == 0 ? "-" : log.toString();
        return overlapped ? s + "!" : s;
    }
}
