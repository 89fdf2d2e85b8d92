package dev.conduit.rpc;

import com.google.protobuf.MessageLite;
import dev.conduit.core.Codec;
import dev.conduit.core.Codecs;
import java.util.Objects;

/**
 * Describes one RPC method: its full name ({@code package.Service/Method}), its {@link MethodType call kind}, and the
 * codecs (marshallers) of its request and response messages. Generated stubs hold one constant per method; so can
 * hand-written code:
 *
 * <pre>{@code
 * static final MethodDescriptor<GetRequest, GetReply> GET = MethodDescriptor.protobuf(
 *         "kv.Store/Get", MethodType.UNARY, GetRequest.getDefaultInstance(), GetReply.getDefaultInstance());
 * }</pre>
 *
 * <p>Payloads are opaque bytes to the protocol: any {@link Codec} is a marshaller ({@link Codecs#protobuf} is the
 * default, {@link Codecs#bytes} and {@link Codecs#text} also work). Immutable and thread-safe; the codecs must be too.
 *
 * <p>A descriptor is <em>registered</em> ({@link #asRegistered()}) when its method belongs to a fixed API the program
 * was built with: generated stubs and the built-in services mark theirs. Client telemetry records only registered
 * methods by name (gRFC A66); a method named at run time (a CLI, a proxy) is recorded as {@code other}, so that
 * outside names cannot make a metric series each.
 *
 * @param <Req> the request message type
 * @param <Resp> the response message type
 */
public final class MethodDescriptor<Req, Resp> {
    private final String fullName;
    private final String serviceName;
    private final String methodName;
    private final MethodType type;
    private final Codec<Req> requestCodec;
    private final Codec<Resp> responseCodec;
    private final boolean registered;

    private MethodDescriptor(
            String fullName, MethodType type, Codec<Req> requestCodec, Codec<Resp> responseCodec, boolean registered) {
        int slash = fullName.indexOf('/');
        if (slash <= 0 || slash == fullName.length() - 1 || fullName.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException(
                    "method name '" + fullName + "' is not 'package.Service/Method', for example 'kv.Store/Get'");
        }
        if (fullName.length() > 0xFFFF || !fullName.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(
                    "method name '" + fullName + "' must be printable ASCII without spaces, at most 65535 chars");
        }
        this.fullName = fullName;
        this.serviceName = fullName.substring(0, slash);
        this.methodName = fullName.substring(slash + 1);
        this.type = Objects.requireNonNull(type, "type");
        this.requestCodec = Objects.requireNonNull(requestCodec, "requestCodec");
        this.responseCodec = Objects.requireNonNull(responseCodec, "responseCodec");
        this.registered = registered;
    }

    /**
     * A method with the given codecs as marshallers.
     *
     * @param fullName {@code package.Service/Method}, printable ASCII
     * @throws IllegalArgumentException if the name is not of that form
     */
    public static <Req, Resp> MethodDescriptor<Req, Resp> of(
            String fullName, MethodType type, Codec<Req> requestCodec, Codec<Resp> responseCodec) {
        return new MethodDescriptor<>(fullName, type, requestCodec, responseCodec, false);
    }

    /**
     * A method whose messages are protobuf messages: the default marshaller.
     *
     * @param requestPrototype any request instance, usually {@code Request.getDefaultInstance()}
     * @param responsePrototype any response instance
     */
    public static <Req extends MessageLite, Resp extends MessageLite> MethodDescriptor<Req, Resp> protobuf(
            String fullName, MethodType type, Req requestPrototype, Resp responsePrototype) {
        return new MethodDescriptor<>(
                fullName, type, Codecs.protobuf(requestPrototype), Codecs.protobuf(responsePrototype), false);
    }

    /**
     * This method, marked as registered: part of an API fixed when the program was built, so that telemetry may
     * record it by name. Generated stubs call this for every method they declare; so should hand-written code that
     * declares a service's methods as constants. Returns {@code this} if already marked.
     */
    public MethodDescriptor<Req, Resp> asRegistered() {
        return registered ? this : new MethodDescriptor<>(fullName, type, requestCodec, responseCodec, true);
    }

    /** Whether {@link #asRegistered()} marked this descriptor; descriptors are unregistered when made. */
    public boolean isRegistered() {
        return registered;
    }

    /** {@code package.Service/Method}. */
    public String fullName() {
        return fullName;
    }

    /** {@code package.Service}. */
    public String serviceName() {
        return serviceName;
    }

    /** {@code Method}. */
    public String methodName() {
        return methodName;
    }

    /** The call kind. */
    public MethodType type() {
        return type;
    }

    /** The request marshaller. */
    public Codec<Req> requestCodec() {
        return requestCodec;
    }

    /** The response marshaller. */
    public Codec<Resp> responseCodec() {
        return responseCodec;
    }

    @Override
    public String toString() {
        return fullName + " (" + type + ")";
    }
}
