package dev.conduit.core.internal;

import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.Executor;

/** What channels and listeners need from the runtime that owns them. */
public interface RuntimeSupport {

    ByteBufAllocator allocator();

    /** The default executor for handlers and accept callbacks: never an I/O thread. */
    Executor handlerExecutor();

    /** Called once when a channel has closed completely. */
    void channelClosed(DefaultChannel<?> channel);
}
