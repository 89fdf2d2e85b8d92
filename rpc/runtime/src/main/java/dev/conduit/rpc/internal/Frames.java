package dev.conduit.rpc.internal;

/**
 * The numbers of the Conduit RPC wire protocol, version 1; {@code docs/rpc-protocol.md} is the full description.
 *
 * <p>Each frame is one channel message. The first message each side sends is a HELLO; every later one starts with
 * a 6-byte header:
 *
 * <pre>
 *  HELLO                                         every other frame
 *  +------------+---------+---------+-------+    +------+-------+-------------+--------------
 *  | magic u32  | version | count   | id,   |    | type | flags | call id u32 | body ...
 *  | "CRPC"     | u16     | u16     | value |    | u8   | u8    | big-endian  |
 *  +------------+---------+---------+-------+    +------+-------+-------------+--------------
 *                                   count x (u16, u32)
 * </pre>
 */
public final class Frames {
    private Frames() {}

    /** "CRPC" in ASCII: the first four bytes each side sends. */
    public static final int MAGIC = 0x43525043;
    /** The protocol version this implementation speaks. */
    public static final int VERSION = 1;

    public static final int HEADER_BYTES = 6;

    /** Not a wire type: the HELLO, recognised by its magic. */
    public static final int HELLO = 0;

    public static final int CALL_START = 1;
    public static final int MESSAGE = 2;
    public static final int HALF_CLOSE = 3;
    public static final int CALL_END = 4;
    public static final int CANCEL = 5;
    public static final int WINDOW_UPDATE = 6;
    public static final int PING = 7;
    public static final int PONG = 8;
    public static final int GOAWAY = 9;

    /** Not a wire type: a frame that could not be decoded. */
    public static final int MALFORMED = -1;

    /**
     * Not a wire type of Conduit's protocol: response headers that a carrier with a place for them (HTTP/2) delivers
     * to a client call before its first message.
     */
    public static final int HEADERS = 16;

    /** CALL_START: an i64 timeout in nanoseconds follows the method name. */
    public static final int FLAG_DEADLINE = 0x01;
    /** CALL_START, CALL_END: the rest of the frame is a message payload. */
    public static final int FLAG_MESSAGE = 0x02;
    /** CALL_START: the client sends nothing more on this call. */
    public static final int FLAG_HALF_CLOSE = 0x04;

    /** HELLO setting: the largest message payload, in bytes, that the sender accepts. */
    public static final int SETTING_MAX_MESSAGE_SIZE = 1;
    /** HELLO setting: the flow-control credit, in bytes, the sender grants its peer for each new call. */
    public static final int SETTING_INITIAL_WINDOW = 2;

    /** Credit charged per message on top of its payload, so that empty messages are not free. */
    public static final int MESSAGE_OVERHEAD = 8;

    /** The flow-control cost of a message with {@code payloadLength} bytes. */
    public static long cost(int payloadLength) {
        return (long) payloadLength + MESSAGE_OVERHEAD;
    }

    public static String typeName(int type) {
        return switch (type) {
            case HELLO -> "HELLO";
            case CALL_START -> "CALL_START";
            case MESSAGE -> "MESSAGE";
            case HALF_CLOSE -> "HALF_CLOSE";
            case CALL_END -> "CALL_END";
            case CANCEL -> "CANCEL";
            case WINDOW_UPDATE -> "WINDOW_UPDATE";
            case PING -> "PING";
            case PONG -> "PONG";
            case GOAWAY -> "GOAWAY";
            case MALFORMED -> "MALFORMED";
            case HEADERS -> "HEADERS";
            default -> "type " + type;
        };
    }
}
