package dev.conduit.transport.netty.testkit;

import dev.conduit.transport.netty.NettyEngine;
import java.util.Locale;
import org.opentest4j.TestAbortedException;

/**
 * Whether a test may skip a native Netty engine that does not load here. A kernel without io_uring is a reason to
 * skip; a native library that fails to load looks the same from inside. So where the build says native engines are
 * required ({@code -Dconduit.requireNative=true}, which the build passes on from the {@code conduit.requireNative}
 * Maven property or the {@code CONDUIT_REQUIRE_NATIVE=true} environment variable; Linux CI sets it), epoll and
 * io_uring must work on Linux, and a test that needs one fails instead of skipping.
 */
public final class NativeEngines {
    /** The system property that makes epoll and io_uring required on Linux. */
    public static final String REQUIRE_PROPERTY = "conduit.requireNative";

    private NativeEngines() {}

    /** Whether {@code engine} must work here: epoll or io_uring, on Linux, with the property set. */
    public static boolean required(NettyEngine engine) {
        return Boolean.getBoolean(REQUIRE_PROPERTY)
                && (engine == NettyEngine.EPOLL || engine == NettyEngine.IO_URING)
                && System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
    }

    /**
     * Returns if {@code engine} works here. Otherwise fails the calling test where the engine is {@link #required},
     * and aborts it (a skip, reported with the reason) elsewhere.
     */
    public static void assumeAvailable(NettyEngine engine) {
        Throwable cause = engine.unavailabilityCause();
        if (cause == null) {
            return;
        }
        failIfRequired(engine);
        throw new TestAbortedException("io=" + engine.uriName() + " is not available here: " + cause, cause);
    }

    /** Fails the calling test if {@code engine} is {@link #required} and does not work here. */
    public static void failIfRequired(NettyEngine engine) {
        Throwable cause = engine.unavailabilityCause();
        if (cause != null && required(engine)) {
            throw new AssertionError(
                    "io=" + engine.uriName() + " must work here (" + REQUIRE_PROPERTY + "=true) but does not: " + cause,
                    cause);
        }
    }
}
