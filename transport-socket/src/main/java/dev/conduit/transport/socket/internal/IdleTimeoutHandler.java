package dev.conduit.transport.socket.internal;

import dev.conduit.transport.socket.IdleTimeoutException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * First in the pipeline: when no bytes at all have arrived for the idle timeout, fails the connection with an {@link
 * IdleTimeoutException}, which the link reports as the close reason.
 */
final class IdleTimeoutHandler extends IdleStateHandler {
    private final Duration timeout;

    IdleTimeoutHandler(Duration timeout) {
        super(timeout.toNanos(), 0, 0, TimeUnit.NANOSECONDS);
        this.timeout = timeout;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
        ctx.fireExceptionCaught(
                new IdleTimeoutException(String.valueOf(ctx.channel().remoteAddress()), timeout));
    }
}
