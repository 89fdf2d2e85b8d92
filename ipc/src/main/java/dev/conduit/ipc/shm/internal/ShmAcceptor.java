package dev.conduit.ipc.shm.internal;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener's accept thread: accepts on the control socket and reads every client's hello side by side on one
 * selector, so that handshakes never wait for each other. Each hello has its own deadline ({@code helloTimeout}); a
 * client that says nothing in time is disconnected, and one that has said it all is handed to {@link Handler#hello}
 * at once. At most {@value #MAX_PENDING} handshakes are in progress; past that the oldest is dropped (an honest
 * client says hello within microseconds of connecting, so the oldest is the likeliest to be silent).
 *
 * <p>One thread; {@link #close} from any thread stops it and waits for it.
 */
final class ShmAcceptor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShmAcceptor.class);
    static final int MAX_PENDING = 256;

    /** What the listener does with a client whose hello arrived, or that must be refused. Accept thread. */
    interface Handler {
        /** {@code hello} arrived in full on {@code client}, which is non-blocking and no longer watched here. */
        void hello(SocketChannel client, Handshake.Hello hello);

        /** {@code client} sent what is not a hello: answer with {@code why} and close it. */
        void refuse(SocketChannel client, String why);
    }

    /** A client whose hello is still arriving. */
    private static final class Pending {
        final SocketChannel client;
        final long deadline;
        final Handshake.HelloReader reader = new Handshake.HelloReader();
        SelectionKey key;

        Pending(SocketChannel client, long deadline) {
            this.client = client;
            this.deadline = deadline;
        }
    }

    private final String name;
    private final ServerSocketChannel server;
    private final long helloNanos;
    private final Handler handler;
    private final Selector selector;
    private final Thread thread;
    /** In order of arrival, which is the order of their deadlines. Accept thread. */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();

    private volatile boolean open = true;

    ShmAcceptor(String name, ServerSocketChannel server, Duration helloTimeout, ThreadFactory threads, Handler handler)
            throws IOException {
        this.name = name;
        this.server = server;
        this.helloNanos = Math.max(1, helloTimeout.toNanos());
        this.handler = handler;
        this.selector = Selector.open();
        try {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
        this.thread = threads.newThread(this::run);
    }

    void start() {
        thread.start();
    }

    /** The number of handshakes in progress; for tests. */
    int pendingCount() {
        return pending.size();
    }

    private void run() {
        try {
            while (open) {
                long wait = expire(System.nanoTime());
                selector.select(this::ready, wait);
            }
        } catch (ClosedSelectorException e) {
            // closed
        } catch (IOException | RuntimeException | InternalError e) {
            if (open) {
                log.error("{}: the accept thread failed; no more clients can connect", name, e);
            }
        } finally {
            for (Pending p : pending) {
                closeQuietly(p.client);
            }
            pending.clear();
        }
    }

    /** Disconnects clients whose hello is late; returns how long the select may wait (0: no deadline). */
    private long expire(long now) {
        Pending p;
        while ((p = pending.peek()) != null && p.deadline - now <= 0) {
            pending.poll();
            p.key.cancel();
            log.debug("{}: a client sent no hello within {} ms; disconnected", name, helloNanos / 1_000_000);
            closeQuietly(p.client);
        }
        return p == null ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(p.deadline - now) + 1);
    }

    private void ready(SelectionKey key) {
        if (key.isAcceptable()) {
            acceptAll();
            return;
        }
        Pending p = (Pending) key.attachment();
        try {
            Handshake.Hello hello = p.reader.read(p.client);
            if (hello == null) {
                return;
            }
            finish(p);
            handler.hello(p.client, hello);
        } catch (IOException e) {
            finish(p);
            handler.refuse(p.client, e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (RuntimeException | Error e) {
            finish(p); // one client's handshake, whatever went wrong in it, never stops the listener
            log.warn("{}: a handshake failed", name, e);
            closeQuietly(p.client);
        }
    }

    private void finish(Pending p) {
        p.key.cancel();
        pending.remove(p);
    }

    private void acceptAll() {
        SocketChannel client;
        try {
            while ((client = server.accept()) != null) {
                track(client);
            }
        } catch (IOException e) {
            if (open) {
                log.warn("{}: accept failed", name, e);
            }
        }
    }

    private void track(SocketChannel client) {
        if (pending.size() >= MAX_PENDING) {
            Pending oldest = pending.poll();
            oldest.key.cancel();
            log.warn("{}: {} handshakes in progress; dropped the oldest", name, MAX_PENDING);
            closeQuietly(oldest.client);
        }
        Pending p = new Pending(client, System.nanoTime() + helloNanos);
        try {
            client.configureBlocking(false);
            p.key = client.register(selector, SelectionKey.OP_READ, p);
            pending.add(p);
        } catch (IOException | RuntimeException e) {
            closeQuietly(client);
        }
    }

    static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }

    /** Stops accepting, disconnects clients still in their handshake and waits for the thread. */
    @Override
    public void close() {
        open = false;
        try {
            selector.close(); // wakes the thread, whose select then throws ClosedSelectorException
        } catch (IOException e) {
            log.debug("{}: closing the selector failed", name, e);
        }
        if (Thread.currentThread() != thread && thread.isAlive()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
