package dev.conduit.rpc.internal.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * Looks at the first bytes of a cleartext connection before HTTP/2 is set up. An HTTP/1.x request (a client that
 * does not speak HTTP/2 with prior knowledge, or a browser) gets {@code 505 HTTP Version Not Supported} in HTTP/1.1,
 * which it can read, and the connection closes; for anything else {@code http2} installs the HTTP/2 handler, which
 * answers a bad preface with GOAWAY.
 */
final class PrefaceSniffer extends ByteToMessageDecoder {
    private final Consumer<ChannelPipeline> http2;

    PrefaceSniffer(Consumer<ChannelPipeline> http2) {
        this.http2 = http2;
    }

    private static final String[] HTTP1_METHODS = {
        "GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE "
    };
    private static final int LONGEST = 8;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), LONGEST);
        String start = in.toString(in.readerIndex(), n, StandardCharsets.US_ASCII);
        for (String m : HTTP1_METHODS) {
            if (start.startsWith(m) && !start.startsWith("PRI ")) {
                in.skipBytes(in.readableBytes());
                String body = "gRPC needs HTTP/2; this endpoint does not speak HTTP/1.x\n";
                String response = "HTTP/1.1 505 HTTP Version Not Supported\r\ncontent-type: text/plain\r\n"
                        + "content-length: " + body.length() + "\r\nconnection: close\r\n\r\n" + body;
                ctx.writeAndFlush(ByteBufUtil.writeAscii(ctx.alloc(), response))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (m.startsWith(start) && n < m.length()) {
                return; // could still become this method: wait for more bytes
            }
        }
        http2.accept(ctx.pipeline());
        ctx.pipeline().remove(this);
    }
}
