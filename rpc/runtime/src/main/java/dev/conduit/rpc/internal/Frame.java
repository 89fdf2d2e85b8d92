package dev.conduit.rpc.internal;

import dev.conduit.core.Codec;
import dev.conduit.rpc.Metadata;
import org.jspecify.annotations.Nullable;

/**
 * One protocol frame, outbound or decoded. A plain mutable holder: an outbound frame belongs to the thread building
 * and sending it; a decoded one to the connection's reader. Outbound message payloads stay unencoded until the
 * channel's codec writes the frame, so the marshaller encodes straight into the transport's buffer.
 */
final class Frame {
    int type;
    int flags;
    int callId;

    // CALL_START
    @Nullable
    String method;

    long timeoutNanos;

    // CALL_START headers, CALL_END trailers
    @Nullable
    Metadata metadata;

    // CALL_END, CANCEL, GOAWAY
    int code;

    @Nullable
    String text;

    // WINDOW_UPDATE increment, GOAWAY last call id, HELLO version
    int value;

    // PING, PONG
    long pingData;

    // HELLO settings
    int maxMessageSize;
    int initialWindow;

    // Outbound payload: encoded by the codec when the frame is written.
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

    /** Not on the wire: a CALL_END that ends an aborted call (the call already counts as ended). */
    boolean abortEnd;

    /** Set once the frame has been handed to the transport. */
    volatile boolean sent;

    Frame(int type, int flags, int callId) {
        this.type = type;
        this.flags = flags;
        this.callId = callId;
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Whether the frame carries a message, and so costs flow-control credit. */
    boolean carriesMessage() {
        return type == Frames.MESSAGE || has(Frames.FLAG_MESSAGE);
    }

    @SuppressWarnings("unchecked")
    <T> Frame withMessage(T msg, Codec<T> c, int limit) {
        this.message = msg;
        this.codec = (Codec<Object>) c;
        this.maxPayload = limit;
        return this;
    }

    static Frame hello(int maxMessageSize, int initialWindow) {
        Frame f = new Frame(Frames.HELLO, 0, 0);
        f.value = Frames.VERSION;
        f.maxMessageSize = maxMessageSize;
        f.initialWindow = initialWindow;
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
        f.pingData = data;
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
