package dev.conduit.ipc.fifo.internal;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.InboundBudget;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.StreamFramer;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.ipc.FifoOptions;
import dev.conduit.ipc.stream.internal.IpcThreads;
import dev.conduit.ipc.stream.internal.StreamLink;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fifo listener: holds the {@code LISTENER} lock, makes the FIFOs if they are missing, and runs an acceptor thread
 * that serves one peer at a time (see {@link FifoHandshake}). On close it stops accepting and removes its files; a
 * connection still open carries on until its channel is closed.
 */
final class FifoBinding implements Binding {
    private static final Logger log = LoggerFactory.getLogger(FifoBinding.class);
    /** How long a connection's end waits for its peer to close {@code c2s} (see {@link FifoEnds}). */
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private static final long ERROR_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Endpoint endpoint;
    private final FifoPaths paths;
    private final LinkConfig config;
    private final TransportContext context;
    private final LinkBinder binder;
    private final LockFile lockFile;
    private final FileLock listenerLock;
    /** How long a peer has to finish the handshake once it opened {@code c2s}: {@code helloTimeout}. */
    private final Duration hello;

    private volatile boolean open = true;
    private volatile boolean waitingForPeer;

    private FifoBinding(
            Endpoint endpoint,
            FifoPaths paths,
            LinkConfig config,
            TransportContext context,
            LinkBinder binder,
            LockFile lockFile,
            FileLock listenerLock) {
        this.endpoint = endpoint;
        this.paths = paths;
        this.config = config;
        this.context = context;
        this.binder = binder;
        this.lockFile = lockFile;
        this.listenerLock = listenerLock;
        this.hello = endpoint.get(FifoOptions.HELLO_TIMEOUT);
    }

    static FifoBinding bind(Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        FifoPaths paths = FifoPaths.of(endpoint);
        int mode = endpoint.get(FifoOptions.MODE);
        String uri = endpoint.toString();
        if (!Files.isDirectory(paths.base().getParent())) {
            throw new BindFailedException(uri, "directory " + paths.base().getParent() + " does not exist", null);
        }
        LockFile lockFile = null;
        FileLock listenerLock = null;
        try {
            for (Path p : new Path[] {paths.c2s(), paths.s2c()}) {
                if (FifoFiles.kind(p) == FifoFiles.Kind.OTHER) {
                    throw new BindFailedException(uri, p + " exists and is not a FIFO; refusing to use it", null);
                }
            }
            lockFile = LockFile.open(paths.lock(), true, mode);
            listenerLock = lockFile.tryLock(FifoHandshake.LISTENER, false);
            if (listenerLock == null) {
                throw new BindFailedException(uri, "another listener already serves " + paths, null);
            }
            for (Path p : new Path[] {paths.c2s(), paths.s2c()}) {
                if (FifoFiles.kind(p) == FifoFiles.Kind.MISSING) {
                    FifoFiles.create(p, mode);
                }
            }
            FifoBinding binding = new FifoBinding(endpoint, paths, config, context, binder, lockFile, listenerLock);
            IpcThreads.of(context).start("fifo-accept", binding::acceptLoop);
            return binding;
        } catch (IOException | RuntimeException e) {
            FifoHandshake.releaseQuietly(listenerLock);
            closeQuietly(lockFile);
            if (e instanceof BindFailedException b) {
                throw b;
            }
            throw new BindFailedException(uri, e.getMessage(), e);
        }
    }

    private void acceptLoop() {
        while (open) {
            try {
                FifoEnds ends = acceptOne();
                if (ends != null) {
                    ends.released().join();
                }
            } catch (NoSuchFileException e) {
                if (open) {
                    log.error("fifo listener {}: {} was removed; no more peers can connect", paths, paths.c2s());
                }
                return;
            } catch (IOException | RuntimeException e) {
                if (open) {
                    log.warn("fifo listener {}: a peer's handshake failed: {}", paths, e.toString());
                    LockSupport.parkNanos(ERROR_PAUSE_NANOS);
                }
            }
        }
    }

    /** Waits for a peer and connects it; returns its ends, or null if none connected. */
    private @Nullable FifoEnds acceptOne() throws IOException {
        FileChannel in;
        // close() sets open, then releases this open until waitingForPeer is false: see there.
        waitingForPeer = true;
        try {
            if (!open) {
                return null;
            }
            in = FileChannel.open(paths.c2s(), StandardOpenOption.READ);
        } finally {
            waitingForPeer = false;
        }
        FileLock serving = null;
        FileChannel out = null;
        try {
            long deadline = System.nanoTime() + hello.toNanos();
            if (!open) {
                return null;
            }
            serving = FifoHandshake.awaitLock(lockFile, FifoHandshake.SERVING, false, deadline, () -> !open);
            if (serving == null) {
                return null;
            }
            out = FifoHandshake.open(paths.s2c(), false, deadline, context.scheduler());
        } catch (TimeoutException e) {
            log.warn(
                    "fifo listener {}: a peer opened {} but did not open {} within helloTimeout={} ms",
                    paths,
                    paths.c2s(),
                    paths.s2c(),
                    hello.toMillis());
        } finally {
            if (out == null) {
                in.close();
                FifoHandshake.releaseQuietly(serving);
            }
        }
        if (out == null) {
            return null;
        }
        FileLock held = serving;
        FifoEnds ends = new FifoEnds(in, out, DRAIN, context.scheduler(), () -> FifoHandshake.releaseQuietly(held));
        StreamLink link = new StreamLink(
                "fifo",
                ends,
                StreamFramer.of(config.framing(), config.maxFrame()),
                context.allocator(),
                FifoTransport.named(paths),
                Endpoint.parse("fifo:peer"),
                IpcThreads.of(context),
                InboundBudget.of(context).account(endpoint));
        link.start(binder);
        return ends;
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    /** Stops accepting (releasing an acceptor blocked in its open) and removes the FIFOs and the lock file. */
    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        // The acceptor may be about to block in its open: keep releasing it until it is out, and only then remove
        // c2s, after which nobody could open it to release the acceptor.
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        while (waitingForPeer && System.nanoTime() - deadline < 0) {
            FifoHandshake.release(paths.c2s());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        FifoFiles.deleteQuietly(paths.c2s());
        FifoFiles.deleteQuietly(paths.s2c());
        FifoFiles.deleteQuietly(paths.lock());
        FifoHandshake.releaseQuietly(listenerLock);
        closeQuietly(lockFile);
    }

    private static void closeQuietly(@Nullable LockFile f) {
        if (f != null) {
            try {
                f.close();
            } catch (IOException e) {
                log.debug("closing lock file failed", e);
            }
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    @Override
    public String toString() {
        return "fifo-binding(" + paths + ")";
    }
}
