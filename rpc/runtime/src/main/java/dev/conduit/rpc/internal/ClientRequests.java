package dev.conduit.rpc.internal;

import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * The frames of a client call's request: CALL_START with the method, headers and encoding; the messages; and the
 * half-close, which for a method that sends one request is CALL_START itself, carrying that request. Used from the
 * caller's side of {@link ClientCallImpl}, one thread at a time, as {@link dev.conduit.rpc.ClientCall} is.
 */
final class ClientRequests<Req> {
    private final MethodDescriptor<Req, ?> method;
    private final CallOptions options;
    private @Nullable Metadata headers; // set by start, before any frame is made; null when there are none
    private boolean hasDeadline;
    private boolean compress = true;
    private @Nullable Req single;

    ClientRequests(MethodDescriptor<Req, ?> method, CallOptions options) {
        this.method = method;
        this.options = options;
    }

    /** The call starts with {@code startHeaders} (and the options' headers); {@code hasDeadline} marks CALL_START. */
    void start(Metadata startHeaders, boolean hasDeadline) {
        Metadata optionHeaders = options.headers();
        if (optionHeaders == null) {
            // Most calls send no headers: no copy of nothing (both encoders write a null as no entries).
            this.headers = startHeaders.isEmpty() ? null : startHeaders.copy();
        } else {
            this.headers = startHeaders.copy().merge(optionHeaders);
        }
        this.hasDeadline = hasDeadline;
    }

    /**
     * Fills in what is known only as {@code f} is written to {@code c}: the call's {@code id}, CALL_START's time left
     * until {@code deadline}, and the peer's message size limit for a message.
     */
    static void stamp(Frame f, int id, CallDeadline deadline, ClientCarrier c) {
        f.callId = id;
        if (f.type == Frames.CALL_START && deadline.isSet()) {
            f.longValue = deadline.remainingNanos();
        }
        if (f.carriesMessage()) {
            f.maxPayload = c.peerMaxMessageSize();
        }
    }

    /** CALL_START with {@code flags}; its call id and time left are filled in when it is written ({@link #stamp}). */
    Frame callStart(int flags) {
        Frame f = new Frame(Frames.CALL_START, flags | (hasDeadline ? Frames.FLAG_DEADLINE : 0), 0);
        f.text = method.fullName();
        f.metadata = headers;
        f.encoding = options.compression();
        return f;
    }

    /**
     * The MESSAGE frame for {@code message}, or null where the method sends one request: that one is kept for the
     * half-close.
     *
     * @throws IllegalStateException for a second request where the method sends one
     */
    @Nullable
    Frame message(Req message) {
        if (method.type().clientSendsOne()) {
            if (single != null) {
                throw new IllegalStateException(method.fullName() + " is " + method.type() + ": one request only");
            }
            single = message;
            return null;
        }
        Frame f = new Frame(Frames.MESSAGE, 0, 0).withMessage(message, method.requestCodec(), Integer.MAX_VALUE);
        f.compressed = compress;
        return f;
    }

    /** The half-close: HALF_CLOSE, or CALL_START with the kept request where the method sends one. */
    Frame halfClose() {
        if (!method.type().clientSendsOne()) {
            return new Frame(Frames.HALF_CLOSE, 0, 0);
        }
        Req request = single;
        single = null;
        Frame f = callStart(Frames.FLAG_HALF_CLOSE | (request != null ? Frames.FLAG_MESSAGE : 0));
        if (request != null) {
            f.withMessage(request, method.requestCodec(), Integer.MAX_VALUE);
            f.compressed = compress;
        }
        return f;
    }

    void setCompression(boolean on) {
        compress = on;
    }
}
