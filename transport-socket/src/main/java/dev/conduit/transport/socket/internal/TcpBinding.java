package dev.conduit.transport.socket.internal;

import dev.conduit.core.Attributes;
import dev.conduit.core.BindFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.InboundBudget;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.TransportContext;
import dev.conduit.transport.netty.NettyLoops;
import dev.conduit.transport.socket.TlsOptions;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/** A listening tcp socket. Accepted connections get the pipeline of {@link TcpPipeline}. */
final class TcpBinding implements Binding {
    private static final int BACKLOG = 1024;

    private final Channel server;
    private final Endpoint endpoint;

    private TcpBinding(Channel server, Endpoint endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    /** Binds synchronously. */
    static TcpBinding bind(TcpConfig config, TransportContext runtime, LinkBinder binder) {
        NettyLoops loops = NettyLoops.of(runtime, config.engine(), config.link().idle());
        InboundBudget budget = InboundBudget.of(runtime);
        SslContext ssl = config.tls() == null ? null : config.tls().serverContext(config.endpoint(), runtime);
        InetSocketAddress address = Addresses.resolve(config.endpoint());
        String side = config.scheme() + " listener";
        ServerBootstrap b = new ServerBootstrap()
                .group(loops.group())
                .channelFactory(SocketChannels.server(loops.engine()))
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                // a restarted server rebinds its port while old connections linger in TIME_WAIT
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.ALLOCATOR, runtime.allocator())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        TcpPipeline.install(ch, config, ssl, null, 0, binder, side, budget);
                    }
                });
        TcpPipeline.socketOptions(
                config, loops.engine(), runtime.allocator(), TcpPipeline.OptionSink.of(b::childOption));
        ChannelFuture bound = b.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            bound.channel().close();
            throw new BindFailedException(
                    config.endpoint().toString(), Addresses.describeBindFailure(address, bound.cause()), bound.cause());
        }
        InetSocketAddress actual = (InetSocketAddress) bound.channel().localAddress();
        String host = config.endpoint().host();
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        // Handed to clients as it is: without the listener's own identity (its key, certificate or server context).
        Endpoint reported = config.endpoint()
                .withAddress(hostPart + ":" + actual.getPort())
                .without(TlsOptions.CERT)
                .without(TlsOptions.KEY)
                .withAttributes(Attributes.empty());
        return new TcpBinding(bound.channel(), reported);
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        ChannelFuture closing = server.close();
        if (!server.eventLoop().inEventLoop()) {
            closing.awaitUninterruptibly();
            if (server instanceof NioServerSocketChannel) {
                // The JDK closes a listening socket registered with a selector only when the selector next
                // deregisters it, a moment after the close future: until then the kernel still accepts connections.
                // A task scheduled for later runs after the event loop's next select, which deregistered it, so
                // once it has run the port no longer accepts (epoll and io_uring close it at once).
                try {
                    server.eventLoop()
                            .schedule(() -> {}, 1, TimeUnit.MILLISECONDS)
                            .awaitUninterruptibly();
                } catch (RejectedExecutionException e) {
                    // The event loop is shutting down, and closing its selector closes the socket too.
                }
            }
        }
    }

    @Override
    public String toString() {
        return "tcp-binding(" + endpoint + ")";
    }
}
