package dev.conduit.ipc.fifo.internal;

import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.InboundBudget;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.StreamFramer;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.ipc.stream.internal.IpcThreads;
import dev.conduit.ipc.stream.internal.StreamLink;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/** The peer's side of the {@link FifoHandshake}, on a thread of its own; the future completes once connected. */
final class FifoConnector {
    private final Endpoint endpoint;
    private final FifoPaths paths;
    private final LinkConfig config;
    private final TransportContext context;
    private final CompletableFuture<Void> result = new CompletableFuture<>();

    private FifoConnector(Endpoint endpoint, LinkConfig config, TransportContext context) {
        this.endpoint = endpoint;
        this.paths = FifoPaths.of(endpoint);
        this.config = config;
        this.context = context;
    }

    static CompletableFuture<Void> connect(
            Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        FifoConnector c = new FifoConnector(endpoint, config, context);
        IpcThreads.of(context).start("fifo-connect", () -> c.run(binder));
        return c.result;
    }

    private void run(LinkBinder binder) {
        // Give up a little before the runtime's own connect timeout, so that the reason is ours and nothing is bound
        // to a connect the runtime has already failed.
        long budget = Math.max(1, config.connectTimeout().toNanos() * 9 / 10);
        long deadline = System.nanoTime() + budget;
        LockFile lockFile = null;
        FileLock slot = null;
        FileChannel out = null;
        FileChannel in = null;
        try {
            checkFifo(paths.c2s());
            checkFifo(paths.s2c());
            try {
                lockFile = LockFile.open(paths.lock(), false, 0);
            } catch (NoSuchFileException e) {
                throw failure("no listener: " + paths.lock() + " does not exist");
            }
            FileLock probe = lockFile.tryLock(FifoHandshake.LISTENER, true);
            if (probe != null) {
                FifoHandshake.releaseQuietly(probe);
                throw failure("nothing serves " + paths + ": its FIFOs exist but no listener holds them"
                        + " (left by a listener that died?)");
            }
            slot = lockFile.tryLock(FifoHandshake.CLIENT, false);
            if (slot == null) {
                throw failure("busy: another peer is connected to " + paths
                        + ", and a fifo listener serves one peer at a time");
            }
            FileLock idle = FifoHandshake.awaitLock(lockFile, FifoHandshake.SERVING, true, deadline, result::isDone);
            if (idle == null) {
                throw failure("the listener did not finish with its previous peer in time");
            }
            try {
                out = FifoHandshake.open(paths.c2s(), false, deadline, context.scheduler());
            } finally {
                FifoHandshake.releaseQuietly(idle);
            }
            in = FifoHandshake.open(paths.s2c(), true, deadline, context.scheduler());
            if (result.isDone()) {
                throw failure("gave up");
            }
            LockFile heldFile = lockFile;
            FileLock heldSlot = slot;
            FifoEnds ends = new FifoEnds(in, out, null, context.scheduler(), () -> {
                FifoHandshake.releaseQuietly(heldSlot);
                closeQuietly(heldFile);
            });
            StreamLink link = new StreamLink(
                    "fifo",
                    ends,
                    StreamFramer.of(config.framing(), config.maxFrame()),
                    context.allocator(),
                    Endpoint.parse("fifo:pid:" + ProcessHandle.current().pid()),
                    FifoTransport.named(paths),
                    IpcThreads.of(context),
                    InboundBudget.of(context).account(endpoint));
            in = null;
            out = null;
            slot = null;
            lockFile = null;
            link.start(binder);
            result.complete(null);
        } catch (ConnectFailedException e) {
            result.completeExceptionally(e);
        } catch (TimeoutException e) {
            result.completeExceptionally(failure("timed out: " + e.getMessage()));
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(new ConnectFailedException(endpoint.toString(), e.toString(), e));
        } finally {
            closeQuietly(in);
            closeQuietly(out);
            FifoHandshake.releaseQuietly(slot);
            closeQuietly(lockFile);
        }
    }

    private void checkFifo(Path p) throws IOException {
        switch (FifoFiles.kind(p)) {
            case MISSING -> throw failure("no listener: " + p + " does not exist");
            case OTHER -> throw failure(p + " is not a FIFO");
            case FIFO -> {}
        }
    }

    private ConnectFailedException failure(String why) {
        return new ConnectFailedException(endpoint.toString(), why, null);
    }

    private static void closeQuietly(@org.jspecify.annotations.Nullable AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // nothing more to release
            }
        }
    }
}
