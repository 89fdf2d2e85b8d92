package dev.conduit.rpc.internal.grpc;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2EventAdapter;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * A frame and connection listener for which header blocks are header blocks: Netty reports those with a PRIORITY
 * part through another method, which gRPC has no use for, so both arrive at {@link #onHeadersRead(ChannelHandlerContext,
 * int, Http2Headers, int, boolean)}.
 */
abstract class GrpcFrameListener extends Http2EventAdapter {

    @Override
    public final void onHeadersRead(
            ChannelHandlerContext ctx,
            int streamId,
            Http2Headers headers,
            int streamDependency,
            short weight,
            boolean exclusive,
            int padding,
            boolean endOfStream) {
        onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    @Override
    public abstract void onHeadersRead(
            ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endOfStream);
}
