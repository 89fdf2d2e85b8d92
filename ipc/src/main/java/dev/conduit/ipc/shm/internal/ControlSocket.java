package dev.conduit.ipc.shm.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A link's control socket after the handshake. Each side sends single bytes, {@link Handshake#WAKE} and {@link
 * Handshake#BYE}; before it closes a link on a protocol error that the peer caused, {@link Handshake#FAULT}, and
 * before it closes because a frame of the peer's broke its limits ({@code maxFrame}, the codec), {@link
 * Handshake#REFUSED}. Both are followed by a message (a big-endian 2-byte length, then at most {@value #MAX_FAULT}
 * bytes of UTF-8), so that the peer learns why instead of seeing only the end of the stream. The end of the stream
 * without {@code BYE} means the peer's process died.
 *
 * <p>Writes come from any thread (one at a time, under a lock); reads only from the poller thread.
 */
final class ControlSocket {
    /** What the peer said. */
    interface Events {
        /** The peer closes in order: deliver what is in the ring, then close. */
        void bye();

        /** The peer closes the link on an error it found in what this side wrote. */
        void fault(String message);

        /** The peer refused a frame this side sent, for {@code message}; it closes after this, like {@link #bye}. */
        void refused(String message);
    }

    static final int MAX_FAULT = 1024;

    private final SocketChannel channel;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ByteBuffer out = ByteBuffer.allocateDirect(3 + MAX_FAULT);

    /* Poller thread: the reading state, kept across reads since a fault's message may arrive in pieces. */
    private final ByteBuffer in = ByteBuffer.allocate(64);
    /** -1 outside a reason's message; else the bytes of its length (0, 1) or message (2) read so far. */
    private int faultPart = -1;
    /** {@link Handshake#FAULT} or {@link Handshake#REFUSED}: which message is being read. */
    private byte faultKind;

    private int faultLength;
    private final ByteBuffer faultMessage = ByteBuffer.allocate(MAX_FAULT);

    ControlSocket(SocketChannel channel) {
        this.channel = channel;
    }

    SelectionKey register(Selector selector, Object attachment) throws IOException {
        channel.configureBlocking(false);
        return channel.register(selector, SelectionKey.OP_READ, attachment);
    }

    /** Sends one control byte; any thread. */
    void send(byte b) throws IOException {
        writeLock.lock();
        try {
            out.clear();
            out.put(b).flip();
            writeFully();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Sends {@code kind} ({@link Handshake#FAULT} or {@link Handshake#REFUSED}) with {@code message}, cut to {@value
     * #MAX_FAULT} bytes; any thread.
     */
    void sendReason(byte kind, String message) throws IOException {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, MAX_FAULT);
        writeLock.lock();
        try {
            out.clear();
            out.put(kind).putShort((short) length).put(text, 0, length).flip();
            writeFully();
        } finally {
            writeLock.unlock();
        }
    }

    /** A non-blocking socket may take a small message in pieces; it never waits long for a few bytes. */
    private void writeFully() throws IOException {
        for (int spins = 0; out.hasRemaining(); spins++) {
            if (channel.write(out) == 0 && spins > 1000) {
                throw new IOException("the shm peer does not read its control socket");
            }
        }
    }

    /**
     * Reads what the peer sent and reports it to {@code events}; poller thread.
     *
     * @return false at the end of the stream
     * @throws IOException if the socket failed or the peer sent a byte the protocol does not have
     */
    boolean read(Events events) throws IOException {
        int n;
        while ((n = channel.read(in.clear())) > 0) {
            for (int i = 0; i < n; i++) {
                accept(in.get(i), events);
            }
        }
        return n >= 0;
    }

    private void accept(byte b, Events events) throws IOException {
        if (faultPart >= 0) {
            faultByte(b, events);
        } else if (b == Handshake.BYE) {
            events.bye();
        } else if (b == Handshake.FAULT || b == Handshake.REFUSED) {
            faultKind = b;
            faultPart = 0;
            faultLength = 0;
            faultMessage.clear();
        } else if (b != Handshake.WAKE) {
            throw new IOException("unknown control byte " + b + " from the shm peer");
        }
    }

    private void faultByte(byte b, Events events) {
        if (faultPart < 2) {
            faultLength = (faultLength << 8) | (b & 0xff);
            faultPart++;
            if (faultPart == 2 && faultLength > MAX_FAULT) {
                faultLength = MAX_FAULT; // never more than we allow, whatever the peer claims
            }
        } else {
            faultMessage.put(b);
        }
        if (faultPart == 2 && faultMessage.position() == faultLength) {
            faultPart = -1;
            String message = StandardCharsets.UTF_8.decode(faultMessage.flip()).toString();
            if (faultKind == Handshake.REFUSED) {
                events.refused(message);
            } else {
                events.fault(message);
            }
        }
    }

    void close() throws IOException {
        channel.close();
    }

    boolean isOpen() {
        return channel.isOpen();
    }
}
