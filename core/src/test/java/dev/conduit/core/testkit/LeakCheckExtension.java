package dev.conduit.core.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails any test after which Netty's leak detector reports an unreleased buffer. Registered for every test through
 * {@code META-INF/services} and JUnit's extension auto-detection (see the parent POM); requires PARANOID detection
 * and {@link FailingLeakDetector}, and fails if they are missing so that a misconfigured build cannot pass silently.
 */
public final class LeakCheckExtension implements AfterEachCallback {

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
}
