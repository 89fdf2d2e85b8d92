package dev.conduit.core.testkit;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's leak detector, recording every leak so that {@link LeakCheckExtension} fails the test that caused it.
 * Installed for every test JVM with {@code -Dio.netty.customResourceLeakDetector=} (see the parent POM), with
 * detection at PARANOID, and for the child JVMs tests start ({@link ChildLeaks}), where it also writes each leak to a
 * report file for the parent.
 */
public final class FailingLeakDetector<T> extends ResourceLeakDetector<T> {
    private static final List<String> LEAKS = new ArrayList<>();

    static {
        if (ChildLeaks.isReportingChild()) {
            // A child JVM: look once more when it exits, so that what it leaked at the end is reported too.
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(LeakCheckExtension::collectAtExit, "conduit-last-leak-check"));
        }
    }

    /** The constructor Netty's factory looks for first; deprecated in Netty, but still how it installs a custom one. */
    @SuppressWarnings("deprecation")
    public FailingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval, maxActive);
    }

    public FailingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        record("LEAK: " + resourceType + " was not released before it was garbage-collected." + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        record("LEAK: " + resourceType + " was not released before it was garbage-collected.");
        super.reportUntracedLeak(resourceType);
    }

    private static void record(String leak) {
        synchronized (LEAKS) {
            LEAKS.add(leak);
        }
        ChildLeaks.report(leak);
    }

    /** Leaks reported since the last call, which clears them. */
    static List<String> drain() {
        synchronized (LEAKS) {
            List<String> copy = new ArrayList<>(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }

    /** Whether this class is the detector Netty installed (the JVM flag is present). */
    static boolean installed() {
        return FailingLeakDetector.class.getName().equals(System.getProperty("io.netty.customResourceLeakDetector"));
    }
}
