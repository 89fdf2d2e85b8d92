package dev.conduit.core.spi;

import dev.conduit.core.CloseReason;
import dev.conduit.core.Codec;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * What a transport tells the runtime about one link. Calls are made one at a time: {@code onFrame} in arrival order,
 * then {@code onClosed} exactly once.
 */
public interface LinkListener {

    /**
     * One whole frame arrived. {@code frame}'s remaining bytes are the message; the buffer is only valid during the
     * call, and the transport reclaims it afterwards.
     */
    void onFrame(ByteBuffer frame);

    /**
     * One whole message arrived as an object, made by the sender's {@link Codec#copyFor} for {@link #codec()}; in
     * order with the frames, under the same rules as {@link #onFrame}. Only from a link that {@link
     * Link#carriesObjects}.
     */
    default void onObject(Object message) {
        throw new UnsupportedOperationException(this + " takes no message objects");
    }

    /**
     * The codec of the channel this listener delivers to, for a link that {@link Link#carriesObjects} (its {@link
     * Link#peerCodec} at the other end); null if the listener takes frames only.
     */
    default @Nullable Codec<?> codec() {
        return null;
    }

    /**
     * The link is closed and its resources are released: by {@link Link#close()} ({@link CloseReason#LOCAL}), by the
     * peer ({@link CloseReason.Kind#PEER}) or by an error ({@link CloseReason.Kind#ERROR}, for example a {@link
     * dev.conduit.core.FrameTooLargeException} from the decoder).
     */
    void onClosed(CloseReason reason);
}
