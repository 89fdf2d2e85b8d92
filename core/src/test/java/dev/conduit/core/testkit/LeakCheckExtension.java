package dev.conduit.core.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails any test after which Netty's leak detector reports an unreleased buffer, in this JVM or in a child JVM the
 * test started ({@link ChildLeaks}); a child that reports only as it exits after a class's last test fails the class.
 * Registered for every test through {@code META-INF/services} and JUnit's extension auto-detection (see the parent
 * POM); requires PARANOID detection and {@link FailingLeakDetector}, and fails if they are missing so that a
 * misconfigured build cannot pass silently.
 */
public final class LeakCheckExtension implements AfterEachCallback, AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        failOnChildLeaks(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID
                || !FailingLeakDetector.installed()) {
            throw new AssertionError("tests must run with -Dio.netty.leakDetection.level=paranoid and "
                    + "-Dio.netty.customResourceLeakDetector=" + FailingLeakDetector.class.getName());
        }
        List<String> leaks = collect();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty buffer leak(s) after " + context.getDisplayName() + ":\n"
                    + String.join("\n\n", leaks));
        }
        failOnChildLeaks(context);
    }

    private static void failOnChildLeaks(ExtensionContext context) {
        List<String> leaks = ChildLeaks.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError("child JVMs reported " + leaks.size() + " Netty buffer leak report(s) by the end"
                    + " of " + context.getDisplayName() + ":\n" + String.join("\n", leaks));
        }
    }

    /** Runs the collector and lets Netty's detector look at what it found; returns the leaks reported. */
    static List<String> collect() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            // Netty checks for collected, unreleased buffers whenever it tracks a new one.
            ByteBuf probe = UnpooledByteBufAllocator.DEFAULT.directBuffer(1);
            probe.release();
        }
        return FailingLeakDetector.drain();
    }

    /**
     * Like {@link #collect()}, for a child JVM that is exiting: each round waits (briefly, bounded) until the
     * collector has handed over the references it cleared, so that a buffer leaked just before the exit is seen.
     */
    static void collectAtExit() {
        for (int i = 0; i < 3; i++) {
            ReferenceQueue<Object> cleared = new ReferenceQueue<>();
            WeakReference<Object> sentinel = new WeakReference<>(new Object(), cleared);
            System.gc();
            try {
                cleared.remove(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            ByteBuf probe = UnpooledByteBufAllocator.DEFAULT.directBuffer(1);
            probe.release();
            sentinel.clear();
        }
    }
}
