package dev.conduit.core.spi;

import dev.conduit.core.CloseReason;
import java.nio.ByteBuffer;

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
     * The link is closed and its resources are released: by {@link Link#close()} ({@link CloseReason#LOCAL}), by the
     * peer ({@link CloseReason.Kind#PEER}) or by an error ({@link CloseReason.Kind#ERROR}, for example a {@link
     * dev.conduit.core.FrameTooLargeException} from the decoder).
     */
    void onClosed(CloseReason reason);
}
