package dev.conduit.core.internal;

import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.Executor;

/** What channels and listeners need from the runtime that owns them. */
public interface RuntimeSupport {

    ByteBufAllocator allocator();

    /** The default executor for handlers and accept callbacks: never an I/O thread. */
    Executor handlerExecutor();

    /**
     * Asks for a sweep, about a second from now, that lets channels' large spare buffers go; called when a channel
     * keeps one. Cheap when a sweep is already due.
     */
    void sweepLargeSparesSoon();

    /** Called once when a channel has closed completely. */
    void channelClosed(DefaultChannel<?> channel);
}
