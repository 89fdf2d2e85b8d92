package dev.conduit.rpc.internal.grpc;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import org.jspecify.annotations.Nullable;

/** What a gRPC connection holds of its HTTP/2 handler, once the pipeline has it. Set and read on the event loop. */
abstract class Http2Attachment {
    private @Nullable Http2ConnectionHandler handler;
    private @Nullable ChannelHandlerContext ctx;

    /** Binds the connection to its HTTP/2 handler, once in the pipeline. Event loop. */
    void attach(Http2ConnectionHandler h, ChannelHandlerContext context) {
        this.handler = h;
        this.ctx = context;
    }

    Http2ConnectionHandler handler() {
        Http2ConnectionHandler h = handler;
        if (h == null) {
            throw new IllegalStateException("the HTTP/2 handler is not in the pipeline yet");
        }
        return h;
    }

    ChannelHandlerContext ctx() {
        ChannelHandlerContext c = ctx;
        if (c == null) {
            throw new IllegalStateException("the HTTP/2 handler is not in the pipeline yet");
        }
        return c;
    }
}
