package dev.conduit.ipc.shm.internal;

import dev.conduit.core.CloseReason;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Idle;
import dev.conduit.core.spi.LinkListener;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client side of an shm connection built by hand from the transport's own pieces, without a runtime: a real
 * handshake with a listener, then a {@link ShmLink} on a {@link ShmPoller} of the test's own, with a listener that
 * records frames and the close. Lets a test reach what a runtime hides: the poller's thread, and the segment's memory
 * to corrupt it as a broken or hostile process would.
 */
final class HandClient implements LinkListener, AutoCloseable {
    static final int RING = 4096;

    final ShmPoller poller;
    final Segment segment;
    final ShmLink link;
    final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private final AtomicInteger threadCount = new AtomicInteger();

    HandClient(Path dir, String name) throws IOException {
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "hand-shm-poller-" + threadCount.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        poller = new ShmPoller(Idle.BACKOFF, threads);
        RawClient raw = RawClient.connect(dir, name, RING, true);
        segment = raw.segment();
        Handshake.Answer answer = raw.answer();
        if (!answer.accepted()) {
            segment.unmap();
            raw.socket().close();
            throw new IOException("refused: " + answer.message());
        }
        link = new ShmLink(
                Endpoint.of("shm", name + "@hand"),
                Endpoint.of("shm", name),
                segment,
                true,
                raw.socket(),
                poller,
                answer.serverMayPark(),
                ByteBufAllocator.DEFAULT,
                1 << 20);
        link.start(this);
    }

    /** The thread serving the link now. */
    Thread pollerThread() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("hand-shm-poller-" + threadCount.get())) {
                return t;
            }
        }
        throw new IllegalStateException("no poller thread");
    }

    int pollerThreadsStarted() {
        return threadCount.get();
    }

    void send(byte[] message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        link.write(io.netty.buffer.Unpooled.wrappedBuffer(message), e -> {
            if (e == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(e);
            }
        });
        done.join();
    }

    @Override
    public void onFrame(ByteBuffer frame) {
        byte[] b = new byte[frame.remaining()];
        frame.get(b);
        frames.add(b);
    }

    @Override
    public void onClosed(CloseReason reason) {
        closed.complete(reason);
    }

    @Override
    public void close() {
        link.close();
        closed.join();
        poller.close();
    }
}
