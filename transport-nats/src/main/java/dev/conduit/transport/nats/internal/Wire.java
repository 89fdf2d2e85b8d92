package dev.conduit.transport.nats.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The messages of a Conduit session over core NATS, one NATS message each. Described once here; {@code docs/nats.md}
 * has the same table for people writing a peer.
 *
 * <pre>
 * handshake (on the listener's subject, or an instance's _CONDUIT.I.&lt;id&gt;; reply-to = the sender's session subject)
 *   OPEN    | 0x01 | version:1 | window:4 | heartbeatMillis:4 |
 *   ACCEPT  | 0x02 | version:1 | window:4 | heartbeatMillis:4 |   (reply-to = the acceptor's session subject)
 *   REFUSE  | 0x03 | reason UTF-8 ...                          |
 *
 * session (on the peer's session subject _INBOX.&lt;connection&gt;.&lt;id&gt;; every one starts with the same header)
 *   +------+--------+---------+
 *   | type | seq:8  | grant:8 |  seq: DATA and PART number themselves 1, 2, 3...; the others carry the last one sent
 *   +------+--------+---------+  grant: the byte count up to which the peer may send (credit), always current
 *   DATA    0x04  header | { length:4 | frame }+            one or more whole frames
 *   PART    0x05  header | total:4 | offset:4 | bytes      a piece of a frame too large for one NATS message
 *   PING    0x06  header                                  heartbeat (and credit when nothing else goes out)
 *   CLOSE   0x07  header | error:1 | reason UTF-8          orderly (error 0) or on an error the peer should report
 * </pre>
 *
 * All integers are big-endian. Credit counts DATA bytes after the header and PART bytes after its 8 bytes of
 * total and offset.
 */
final class Wire {
    private Wire() {}

    static final byte VERSION = 1;

    static final byte OPEN = 0x01;
    static final byte ACCEPT = 0x02;
    static final byte REFUSE = 0x03;
    static final byte DATA = 0x04;
    static final byte PART = 0x05;
    static final byte PING = 0x06;
    static final byte CLOSE = 0x07;

    /** Bytes of the OPEN and ACCEPT messages. */
    static final int HANDSHAKE_SIZE = 10;
    /** Bytes of the session header: type, seq, grant. */
    static final int HEADER = 17;
    /** Bytes of a DATA record's length prefix. */
    static final int RECORD_HEADER = 4;
    /** Bytes after the header of a PART message before its piece of the frame. */
    static final int PART_HEADER = 8;

    /** OPEN or ACCEPT. */
    static byte[] handshake(byte type, int window, int heartbeatMillis) {
        return ByteBuffer.allocate(HANDSHAKE_SIZE)
                .put(type)
                .put(VERSION)
                .putInt(window)
                .putInt(heartbeatMillis)
                .array();
    }

    /** What an OPEN or ACCEPT says about its sender. */
    record Handshake(byte type, int version, int window, int heartbeatMillis) {
        static Handshake parse(byte[] m) {
            if (m.length < HANDSHAKE_SIZE) {
                throw new IllegalArgumentException("a handshake of " + m.length + " bytes; expected " + HANDSHAKE_SIZE);
            }
            ByteBuffer b = ByteBuffer.wrap(m);
            return new Handshake(b.get(), b.get(), b.getInt(), b.getInt());
        }
    }

    static byte[] refuse(String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] m = new byte[1 + text.length];
        m[0] = REFUSE;
        System.arraycopy(text, 0, m, 1, text.length);
        return m;
    }

    static String refusalReason(byte[] m) {
        return new String(m, 1, m.length - 1, StandardCharsets.UTF_8);
    }

    /** Writes the session header at the start of {@code m}. */
    static void header(byte[] m, byte type, long seq, long grant) {
        ByteBuffer.wrap(m).put(type).putLong(seq).putLong(grant);
    }

    static byte[] ping(long seq, long grant) {
        byte[] m = new byte[HEADER];
        header(m, PING, seq, grant);
        return m;
    }

    static byte[] close(long seq, long grant, boolean error, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] m = new byte[HEADER + 1 + text.length];
        header(m, CLOSE, seq, grant);
        m[HEADER] = (byte) (error ? 1 : 0);
        System.arraycopy(text, 0, m, HEADER + 1, text.length);
        return m;
    }

    static long seq(byte[] m) {
        return ByteBuffer.wrap(m, 1, 8).getLong();
    }

    static long grant(byte[] m) {
        return ByteBuffer.wrap(m, 9, 8).getLong();
    }
}
