package dev.conduit.rpc.internal.grpc;

import dev.conduit.rpc.internal.RpcThread;
import dev.conduit.rpc.internal.TransportThread;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Marks the event loop as a transport thread while it reads, in front of the HTTP/2 handler: a handler or listener
 * running there (direct executor) that sends past its credit then queues instead of blocking the very loop that
 * would bring the credit back. Stateless; one per pipeline.
 */
final class TransportThreadMarker extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        RpcThread mark = TransportThread.enter();
        try {
            ctx.fireChannelRead(msg);
        } finally {
            TransportThread.exit(mark);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        RpcThread mark = TransportThread.enter();
        try {
            ctx.fireChannelReadComplete();
        } finally {
            TransportThread.exit(mark);
        }
    }
}
