package dev.conduit.rpc.internal;

import dev.conduit.core.Codec;
import dev.conduit.core.WriteBuffer;
import dev.conduit.rpc.Metadata;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One protocol event of a call or connection, outbound or received: the unit in which calls speak to whatever
 * carries them (a {@link ServerCarrier} or {@link ClientCarrier}). Conduit's own connections put frames on the wire
 * as they are ({@link FrameCodec}); the gRPC carrier translates them to and from HTTP/2 (see {@code docs/grpc.md}).
 *
 * <p>A plain mutable holder: an outbound frame belongs to the thread building and sending it; a received one to the
 * carrier's reader until handed to its call. Outbound message payloads stay unencoded until the carrier writes the
 * frame ({@link #encodeMessage}), so the marshaller encodes straight into the transport's buffer.
 */
public final class Frame {
    int type;
    int flags;
    int callId;

    // The fields are shared between frame types that never need them together, so that a frame, made for every
    // message and call, stays at 96 bytes rather than 120.

    /**
     * CALL_START: {@code package.Service/Method}. CALL_END, CANCEL, GOAWAY: the status description. MALFORMED: what
     * was wrong.
     */
    @Nullable
    String text;

    /**
     * CALL_START with {@link Frames#FLAG_DEADLINE}: nanoseconds left. PING, PONG: the data. HELLO: the max message size
     * setting in the high 32 bits and the initial window in the low (each -1 when absent).
     */
    long longValue;

    // CALL_START headers, CALL_END trailers, HEADERS response headers
    @Nullable
    Metadata metadata;

    // CALL_END, CANCEL, GOAWAY
    int code;

    // WINDOW_UPDATE increment, GOAWAY last call id, HELLO version
    int value;

    // Outbound payload: encoded by the carrier when the frame is written.
    @Nullable
    Object message;

    @Nullable
    Codec<Object> codec;
    /** The peer's message size limit, checked when the payload is encoded. */
    int maxPayload = Integer.MAX_VALUE;

    // Inbound payload: a copy of the bytes, or null if over the local limit (then payloadLength says how big).
    byte @Nullable [] payload;

    /** The payload size: set when an outbound payload is encoded, or when an inbound one is decoded. */
    int payloadLength;

    /** Outbound: the message's bytes as sent, after compression if any; set when it is encoded. For tracers. */
    int wireSize;

    /**
     * The flow-control credit the message uses, in the carrier's units: inbound, returned to the peer once consumed;
     * outbound, set when the message is encoded (Conduit: size + 8; HTTP/2: the DATA bytes, prefix included).
     */
    long cost;

    /** Inbound: the payload is compressed with the call's message encoding. Outbound: compress it if negotiated. */
    boolean compressed;

    /** Outbound, first frame of a server call: response headers, for carriers that send them apart from trailers. */
    @Nullable
    Metadata responseHeaders;

    /** Outbound, first frame of a call: the message encoding asked for ({@code gzip}), or null for none. */
    @Nullable
    String encoding;

    /** Not on the wire: a CALL_END that ends an aborted call (the call already counts as ended). */
    boolean abortEnd;

    /** Not on the wire: what the carrier keeps with the frame between threads (the gRPC carrier's encoded bytes). */
    @Nullable
    Object carried;

    /** Set once the frame has been handed to the transport. */
    volatile boolean sent;

    Frame(int type, int flags, int callId) {
        this.type = type;
        this.flags = flags;
        this.callId = callId;
    }

    // ---------------------------------------------------------------- what carriers read

    /** One of the types in {@link Frames}. */
    public int type() {
        return type;
    }

    /** Whether {@code flag} (a {@code Frames.FLAG_*}) is set. */
    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** The call the frame belongs to (0 for connection frames). */
    public int callId() {
        return callId;
    }

    /** CALL_START: {@code package.Service/Method}. */
    public String method() {
        return Objects.requireNonNull(text);
    }

    /** CALL_START with {@link Frames#FLAG_DEADLINE}: the time left, in nanoseconds, when the frame is written. */
    public long timeoutNanos() {
        return longValue;
    }

    /** PING, PONG: the data. */
    long pingData() {
        return longValue;
    }

    /** HELLO: the peer's max message size setting, or -1 if it sent none. */
    int maxMessageSize() {
        return (int) (longValue >> 32);
    }

    /** HELLO: the peer's initial window setting, or -1 if it sent none. */
    int initialWindow() {
        return (int) longValue;
    }

    /** HELLO: sets the two settings (-1 for absent). */
    void helloSettings(int maxMessageSize, int initialWindow) {
        longValue = ((long) maxMessageSize << 32) | (initialWindow & 0xFFFF_FFFFL);
    }

    /** CALL_START headers, CALL_END trailers, HEADERS response headers; null if none. */
    public @Nullable Metadata metadata() {
        return metadata;
    }

    /** CALL_END, CANCEL: the status code's number. */
    public int code() {
        return code;
    }

    /** CALL_END, CANCEL: the status description, or null. */
    public @Nullable String text() {
        return text;
    }

    /** WINDOW_UPDATE: the credit granted, in bytes (the carrier's units). */
    public int value() {
        return value;
    }

    /** The size of the frame's message: encoded (outbound, once written) or received. */
    public int payloadLength() {
        return payloadLength;
    }

    /** Whether the frame carries a message, and so costs flow-control credit. */
    public boolean carriesMessage() {
        return type == Frames.MESSAGE || has(Frames.FLAG_MESSAGE);
    }

    /** Outbound: whether the message should be compressed, if the call negotiated an encoding. */
    public boolean compressed() {
        return compressed;
    }

    /** Outbound, first frame of a server call: the response headers to send, or null. */
    public @Nullable Metadata responseHeaders() {
        return responseHeaders;
    }

    /** Outbound, first frame of a call: the message encoding asked for, or null. */
    public @Nullable String encoding() {
        return encoding;
    }

    /** Whether this CALL_END ends an aborted call rather than completing it. */
    public boolean isAbortEnd() {
        return abortEnd;
    }

    /** The carrier's own data kept with the frame, or null. */
    public @Nullable Object carried() {
        return carried;
    }

    /** Keeps the carrier's own data with the frame. */
    public void carried(@Nullable Object data) {
        this.carried = data;
    }

    /**
     * Encodes the outbound message into {@code out} with its codec and records its size.
     *
     * @throws MessageTooLargeException if the encoded message is larger than the peer accepts
     */
    public void encodeMessage(WriteBuffer out) {
        int before = out.size();
        Objects.requireNonNull(codec).encode(Objects.requireNonNull(message), out);
        int n = out.size() - before;
        if (n > maxPayload) {
            throw new MessageTooLargeException(n, maxPayload);
        }
        payloadLength = n;
        wireSize = n;
        cost = Frames.cost(n);
    }

    /** Records the size of an outbound message after the carrier compressed it. */
    public void compressedSize(int bytes) {
        wireSize = bytes;
    }

    /** Sets the flow-control cost of an encoded outbound message, for carriers whose units differ from Conduit's. */
    public void cost(long bytes) {
        cost = bytes;
    }

    /** The encoded size of the outbound message, as a codec estimates it. */
    public int messageSizeHint() {
        return message != null && codec != null ? codec.sizeHint(message) : 0;
    }

    @SuppressWarnings("unchecked")
    <T> Frame withMessage(T msg, Codec<T> c, int limit) {
        this.message = msg;
        this.codec = (Codec<Object>) c;
        this.maxPayload = limit;
        return this;
    }

    // ---------------------------------------------------------------- frames carriers deliver

    /** A call's first frame, as a carrier received it. */
    public static Frame callStart(int callId, String method, Metadata headers, long timeoutNanos, boolean hasDeadline) {
        Frame f = new Frame(Frames.CALL_START, hasDeadline ? Frames.FLAG_DEADLINE : 0, callId);
        f.text = method;
        f.metadata = headers;
        f.longValue = timeoutNanos;
        return f;
    }

    /**
     * A received message: {@code payload} (null if it is larger than this side accepts; {@code length} says how
     * large), costing {@code cost} bytes of flow-control credit.
     */
    public static Frame message(int callId, byte @Nullable [] payload, int length, long cost, boolean compressed) {
        Frame f = new Frame(Frames.MESSAGE, 0, callId);
        f.payload = payload;
        f.payloadLength = length;
        f.cost = cost;
        f.compressed = compressed;
        return f;
    }

    /** The peer sends nothing more on the call. */
    public static Frame halfClose(int callId) {
        return new Frame(Frames.HALF_CLOSE, 0, callId);
    }

    /** The client cancelled the call. */
    public static Frame cancel(int callId, int code, @Nullable String text) {
        return status(Frames.CANCEL, callId, code, text);
    }

    /** The server ended the call with a status and trailers. */
    public static Frame callEnd(int callId, int code, @Nullable String text, Metadata trailers) {
        Frame f = status(Frames.CALL_END, callId, code, text);
        f.metadata = trailers;
        return f;
    }

    /** The server's response headers. */
    public static Frame headers(int callId, Metadata headers) {
        Frame f = new Frame(Frames.HEADERS, 0, callId);
        f.metadata = headers;
        return f;
    }

    static Frame hello(int maxMessageSize, int initialWindow) {
        Frame f = new Frame(Frames.HELLO, 0, 0);
        f.value = Frames.VERSION;
        f.helloSettings(maxMessageSize, initialWindow);
        return f;
    }

    static Frame status(int type, int callId, int code, @Nullable String text) {
        Frame f = new Frame(type, 0, callId);
        f.code = code;
        f.text = text;
        return f;
    }

    static Frame windowUpdate(int callId, int increment) {
        Frame f = new Frame(Frames.WINDOW_UPDATE, 0, callId);
        f.value = increment;
        return f;
    }

    static Frame ping(int type, long data) {
        Frame f = new Frame(type, 0, 0);
        f.longValue = data;
        return f;
    }

    static Frame goaway(int lastCallId, int code, String text) {
        Frame f = status(Frames.GOAWAY, 0, code, text);
        f.value = lastCallId;
        return f;
    }

    static Frame malformed(String why) {
        Frame f = new Frame(Frames.MALFORMED, 0, 0);
        f.text = why;
        return f;
    }

    @Override
    public String toString() {
        return Frames.typeName(type) + "(call " + Integer.toUnsignedString(callId) + ", flags " + flags + ")";
    }
}
