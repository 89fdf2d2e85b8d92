package dev.conduit.transport.socket.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits between the {@link io.netty.handler.ssl.SslHandler} and the link, and holds back {@code channelActive} until
 * the TLS handshake has succeeded. So a connection becomes a channel only once it is authenticated: a client connect
 * completes after the handshake, and a listener never hands out a channel whose peer failed it (a plaintext client,
 * an untrusted certificate). A failed handshake is logged with its reason and closes the connection.
 */
final class TlsGate extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TlsGate.class);

    private final String side;

    /** {@code side} names this end in log lines: {@code "tcps listener"} or {@code "tcps client"}. */
    TlsGate(String side) {
        this.side = side;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Held back: the SslHandler before us has started the handshake; the link is told when it succeeds.
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                ctx.fireChannelActive();
                ctx.pipeline().remove(this);
            } else {
                log.info(
                        "{} {}: TLS handshake with {} failed: {}",
                        side,
                        ctx.channel().localAddress(),
                        ctx.channel().remoteAddress(),
                        describe(done.cause()));
                ctx.fireExceptionCaught(done.cause());
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private static String describe(Throwable cause) {
        Throwable c = cause;
        while (c.getCause() != null && c.getCause() != c && c.getMessage() == null) {
            c = c.getCause();
        }
        String name = c.getClass().getSimpleName();
        return c.getMessage() == null ? name : name + ": " + c.getMessage();
    }
}
