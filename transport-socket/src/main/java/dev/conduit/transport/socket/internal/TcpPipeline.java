package dev.conduit.transport.socket.internal;

import dev.conduit.core.spi.InboundBudget;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.StreamFramer;
import dev.conduit.transport.netty.NettyEngine;
import dev.conduit.transport.netty.NettyLink;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.handler.ssl.SslContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import jdk.net.ExtendedSocketOptions;
import org.jspecify.annotations.Nullable;

/**
 * The socket options and the pipeline of a tcp connection, on either side:
 *
 * <pre>
 * [IdleTimeoutHandler]  [SslHandler  TlsGate]  NettyLink
 *   if idleTimeout > 0     if TLS                framing, delivery to the runtime, writes
 * </pre>
 */
final class TcpPipeline {
    private TcpPipeline() {}

    /** Options for a connection's socket; {@code set} is {@code Bootstrap::option} or {@code childOption}. */
    static void socketOptions(TcpConfig config, NettyEngine engine, ByteBufAllocator alloc, OptionSink set) {
        set.accept(ChannelOption.ALLOCATOR, alloc);
        set.accept(ChannelOption.TCP_NODELAY, config.noDelay());
        long keepAlive = config.keepAlive().toSeconds();
        if (config.keepAlive().isZero()) {
            return;
        }
        int idle = (int) Math.max(1, Math.min(keepAlive, Integer.MAX_VALUE));
        int interval = Math.max(1, idle / 3);
        set.accept(ChannelOption.SO_KEEPALIVE, true);
        for (Map.Entry<ChannelOption<Integer>, Integer> e :
                keepAliveTimers(engine, idle, interval).entrySet()) {
            set.accept(e.getKey(), e.getValue());
        }
    }

    private static Map<ChannelOption<Integer>, Integer> keepAliveTimers(NettyEngine engine, int idle, int interval) {
        Map<ChannelOption<Integer>, Integer> m = new LinkedHashMap<>();
        switch (engine) {
            case EPOLL -> {
                m.put(EpollChannelOption.TCP_KEEPIDLE, idle);
                m.put(EpollChannelOption.TCP_KEEPINTVL, interval);
                m.put(EpollChannelOption.TCP_KEEPCNT, 3);
            }
            case IO_URING -> {
                m.put(IoUringChannelOption.TCP_KEEPIDLE, idle);
                m.put(IoUringChannelOption.TCP_KEEPINTVL, interval);
                m.put(IoUringChannelOption.TCP_KEEPCNT, 3);
            }
            case NIO -> {
                m.put(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), idle);
                m.put(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), interval);
                m.put(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), 3);
            }
            default -> {
                // kqueue: SO_KEEPALIVE with the system's timers
            }
        }
        return m;
    }

    /** Takes one socket option. */
    interface OptionSink {
        <T> void accept(ChannelOption<T> option, T value);

        static OptionSink of(BiConsumer<ChannelOption<Object>, Object> raw) {
            return new OptionSink() {
                @Override
                @SuppressWarnings("unchecked")
                public <T> void accept(ChannelOption<T> option, T value) {
                    raw.accept((ChannelOption<Object>) option, value);
                }
            };
        }
    }

    /**
     * Installs the handlers of one connection and returns its link, not yet bound.
     *
     * @param ssl the TLS context, or null for plaintext
     * @param serverHost for a client, the host it connects to (for SNI and host verification); null on a listener
     * @param side names this end in log lines
     * @param budget the runtime's budget for partly received frames
     */
    static NettyLink install(
            Channel ch,
            TcpConfig config,
            @Nullable SslContext ssl,
            @Nullable String serverHost,
            int serverPort,
            LinkBinder binder,
            String side,
            InboundBudget budget) {
        ChannelPipeline p = ch.pipeline();
        if (!config.idleTimeout().isZero()) {
            p.addLast("idle-timeout", new IdleTimeoutHandler(config.idleTimeout()));
        }
        TlsSetup tls = config.tls();
        if (ssl != null && tls != null) {
            p.addLast("tls", tls.newHandler(ssl, ch.alloc(), serverHost, serverPort));
            p.addLast("tls-gate", new TlsGate(side));
        }
        TcpLinkFacts facts = new TcpLinkFacts(config.scheme());
        NettyLink link = new NettyLink(
                StreamFramer.of(config.link().framing(), config.link().maxFrame()),
                binder,
                facts,
                facts,
                budget.account(config.endpoint()));
        p.addLast("link", link);
        return link;
    }
}
