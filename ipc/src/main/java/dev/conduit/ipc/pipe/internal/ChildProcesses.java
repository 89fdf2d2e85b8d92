package dev.conduit.ipc.pipe.internal;

import dev.conduit.core.spi.TransportContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The children a runtime has spawned and not yet seen exit. Closing a channel ends its child in its own time (stdin
 * closed, {@code exitTimeout}, then killed); this resource is the backstop when the runtime closes: whatever is
 * still alive then is killed and reaped, so that no child outlives its runtime.
 */
final class ChildProcesses implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChildProcesses.class);

    private final String runtime;
    private final Set<Process> live = ConcurrentHashMap.newKeySet();

    private ChildProcesses(String runtime) {
        this.runtime = runtime;
    }

    static ChildProcesses of(TransportContext context) {
        return context.resource("pipe-children", () -> new ChildProcesses(context.runtimeName()));
    }

    void add(Process p) {
        live.add(p);
        p.onExit().thenRun(() -> live.remove(p));
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : live) {
            if (p.isAlive()) {
                log.warn("runtime {} closing: killing child process {} that is still running", runtime, p.pid());
                p.destroyForcibly();
            }
        }
        for (Process p : live) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "pipe-children(" + runtime + ")";
    }
}
