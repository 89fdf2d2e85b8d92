package dev.conduit.ipc.shm.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The control socket's protocol. The client opens with a hello, the server answers, and from then on each side sends
 * single bytes: {@link #WAKE} to rouse a peer that flagged itself parked, {@link #BYE} before an orderly close;
 * {@link #FAULT} (a protocol error in what the peer wrote) and {@link #REFUSED} (a frame of the peer's broke this
 * side's limits) are followed by a reason, see {@link ControlSocket}. Integers are big-endian.
 *
 * <pre>
 *  hello:  magic 'CSHM' (int) | version (short) | flags (byte) | 0 (byte)
 *          | client-to-server capacity (int) | server-to-client capacity (int) | client pid (long)
 *          | segment path length (short) | segment path (UTF-8)
 *  answer: magic (int) | version (short) | status (byte: 0 accepted, 1 refused) | flags (byte)
 *          | message length (short) | message (UTF-8; why it was refused)
 * </pre>
 *
 * Flag bit 0 says that the sender's reader may park, so the other side must check the parked flag after writing;
 * a {@code spin} reader never parks, which spares its peer a fence per message.
 */
final class Handshake {
    static final short VERSION = 1;
    static final byte WAKE = 1;
    static final byte BYE = 2;
    /** Followed by a 2-byte length and a UTF-8 message: the link closes on a protocol error, and this is why. */
    static final byte FAULT = 3;
    /** Followed by a 2-byte length and a UTF-8 message: the link closes because a frame broke this side's limits. */
    static final byte REFUSED = 4;

    private static final int MAX_PATH = 4096;
    private static final int HELLO_FIXED = 26;

    private Handshake() {}

    record Hello(boolean clientMayPark, int toServer, int toClient, long pid, String segmentPath) {}

    record Answer(boolean accepted, boolean serverMayPark, String message) {}

    static void writeHello(SocketChannel channel, Hello hello) throws IOException {
        byte[] path = hello.segmentPath().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(HELLO_FIXED + path.length);
        b.putInt(Segment.MAGIC)
                .putShort(VERSION)
                .put((byte) (hello.clientMayPark() ? 1 : 0))
                .put((byte) 0);
        b.putInt(hello.toServer()).putInt(hello.toClient()).putLong(hello.pid());
        b.putShort((short) path.length).put(path).flip();
        writeFully(channel, b);
    }

    /**
     * Reads a hello from a non-blocking socket as its bytes arrive, so that one thread can run many handshakes side
     * by side and a client that says nothing holds up nobody. Not thread-safe; one per connection.
     */
    static final class HelloReader {
        private final ByteBuffer fixed = ByteBuffer.allocate(HELLO_FIXED);
        private @Nullable ByteBuffer path;
        private @Nullable Hello hello;

        /**
         * Reads what has arrived.
         *
         * @return the hello once it is complete, else null (call again when the socket is readable)
         * @throws IOException if the stream ends early, or with a message for the client if it is not a hello this
         *     version understands
         */
        @Nullable
        Hello read(SocketChannel channel) throws IOException {
            if (fixed.hasRemaining()) {
                if (channel.read(fixed) < 0) {
                    throw new EOFException("the control socket closed during the handshake");
                }
                if (fixed.hasRemaining()) {
                    return null;
                }
                path = ByteBuffer.allocate(checkFixed(fixed.flip()));
            }
            ByteBuffer p = path;
            if (p != null && p.hasRemaining()) {
                if (channel.read(p) < 0) {
                    throw new EOFException("the control socket closed during the handshake");
                }
                if (p.hasRemaining()) {
                    return null;
                }
                byte flags = fixed.get(6);
                hello = new Hello(
                        (flags & 1) != 0,
                        fixed.getInt(8),
                        fixed.getInt(12),
                        fixed.getLong(16),
                        StandardCharsets.UTF_8.decode(p.flip()).toString());
            }
            return hello;
        }

        /** Checks the fixed part of a hello and returns the length of the path that follows. */
        private static int checkFixed(ByteBuffer fixed) throws IOException {
            int magic = fixed.getInt(0);
            short version = fixed.getShort(4);
            if (magic != Segment.MAGIC) {
                throw new IOException("not a Conduit shm client (bad magic " + Integer.toHexString(magic) + ")");
            }
            if (version != VERSION) {
                throw new IOException(
                        "shm protocol version " + version + " is not supported; this side speaks " + VERSION);
            }
            int pathLength = fixed.getShort(24) & 0xffff;
            if (pathLength == 0 || pathLength > MAX_PATH) {
                throw new IOException("segment path of " + pathLength + " bytes");
            }
            return pathLength;
        }
    }

    static void writeAnswer(SocketChannel channel, Answer answer) throws IOException {
        byte[] message = answer.message().getBytes(StandardCharsets.UTF_8);
        int length = Math.min(message.length, 1024);
        ByteBuffer b = ByteBuffer.allocate(10 + length);
        b.putInt(Segment.MAGIC).putShort(VERSION).put((byte) (answer.accepted() ? 0 : 1));
        b.put((byte) (answer.serverMayPark() ? 1 : 0))
                .putShort((short) length)
                .put(message, 0, length)
                .flip();
        writeFully(channel, b);
    }

    static Answer readAnswer(SocketChannel channel) throws IOException {
        ByteBuffer fixed = readFully(channel, 10);
        int magic = fixed.getInt();
        short version = fixed.getShort();
        if (magic != Segment.MAGIC || version != VERSION) {
            throw new IOException("the listener did not answer as a Conduit shm listener of version " + VERSION);
        }
        byte status = fixed.get();
        byte flags = fixed.get();
        int length = fixed.getShort() & 0xffff;
        String message = length == 0
                ? ""
                : StandardCharsets.UTF_8.decode(readFully(channel, length)).toString();
        return new Answer(status == 0, (flags & 1) != 0, message);
    }

    private static ByteBuffer readFully(SocketChannel channel, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new EOFException("the control socket closed during the handshake");
            }
        }
        return b.flip();
    }

    /** Writes all of {@code b}; a non-blocking socket that takes nothing for a thousand tries is given up on. */
    private static void writeFully(SocketChannel channel, ByteBuffer b) throws IOException {
        for (int zeros = 0; b.hasRemaining(); ) {
            if (channel.write(b) == 0 && !channel.isBlocking() && ++zeros > 1000) {
                throw new IOException("the peer does not read its control socket");
            }
        }
    }
}
