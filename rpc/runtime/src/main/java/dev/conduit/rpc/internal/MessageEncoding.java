package dev.conduit.rpc.internal;

import dev.conduit.core.Codec;
import dev.conduit.rpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * The message encodings (gRPC's per-message compression) Conduit speaks: {@code identity} and {@code gzip}. Each
 * message is compressed on its own, as gRPC requires; a decompressed message is held to the receiver's size limit
 * while it is inflated, so a small compressed message cannot make a large allocation.
 */
public final class MessageEncoding {
    private MessageEncoding() {}

    /** No compression. */
    public static final String IDENTITY = "identity";
    /** gzip (RFC 1952). */
    public static final String GZIP = "gzip";
    /** What this side accepts, for {@code grpc-accept-encoding}. */
    public static final String ACCEPTED = "gzip";

    /**
     * The canonical name of a supported encoding.
     *
     * @throws IllegalArgumentException if {@code name} is neither {@code identity} nor {@code gzip}
     */
    public static String check(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (!n.equals(IDENTITY) && !n.equals(GZIP)) {
            throw new IllegalArgumentException("unsupported message encoding '" + name + "'; use gzip or identity");
        }
        return n;
    }

    /** Whether this side can decompress messages of {@code name}. */
    public static boolean isSupported(@Nullable String name) {
        return name == null || name.equalsIgnoreCase(IDENTITY) || name.equalsIgnoreCase(GZIP);
    }

    /** Whether {@code acceptEncoding} (a {@code grpc-accept-encoding} value) lists gzip. */
    public static boolean acceptsGzip(@Nullable CharSequence acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.toString().split(",", -1)) {
            if (part.trim().equalsIgnoreCase(GZIP)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Decodes a received message: decompressed first if it came compressed (held to {@code limit}), then {@code
     * codec}'s bytes to a message.
     *
     * @param what what the message is, for errors: {@code request} or {@code response}
     * @throws dev.conduit.rpc.RpcException the status the call ends with if the message cannot be decoded
     */
    public static <T> T decode(Frame frame, Codec<T> codec, int limit, String what) {
        byte[] payload = Objects.requireNonNull(frame.payload);
        if (frame.compressed) {
            payload = gunzip(payload, limit);
        }
        try {
            return codec.decodeOwned(payload); // the frame's own copy: the codec may keep it
        } catch (RuntimeException e) {
            throw Status.INTERNAL
                    .withDescription("could not decode the " + what + ": " + e.getMessage())
                    .withCause(e)
                    .asException();
        }
    }

    /** Compresses {@code in}'s readable bytes with gzip into {@code out}. */
    public static void gzip(ByteBuf in, ByteBuf out) {
        try (GZIPOutputStream z = new GZIPOutputStream(new ByteBufOutputStream(out), 8192)) {
            in.readBytes(z, in.readableBytes());
        } catch (IOException e) {
            throw new IllegalStateException("gzip into a memory buffer failed", e);
        }
    }

    /**
     * Decompresses a gzip message, at most {@code limit} bytes.
     *
     * @throws dev.conduit.rpc.RpcException RESOURCE_EXHAUSTED past the limit, INTERNAL if the data is not gzip
     */
    public static byte[] gunzip(byte[] compressed, int limit) {
        try (InputStream z = new GZIPInputStream(new java.io.ByteArrayInputStream(compressed), 8192)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, compressed.length * 4 + 64));
            byte[] chunk = new byte[8192];
            int n;
            while ((n = z.read(chunk)) > 0) {
                if (out.size() + n > limit) {
                    throw Status.RESOURCE_EXHAUSTED
                            .withDescription("decompressed message exceeds the limit of " + limit + " bytes")
                            .asException();
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw Status.INTERNAL
                    .withDescription("cannot decompress a gzip message: " + e.getMessage())
                    .asException();
        }
    }
}
