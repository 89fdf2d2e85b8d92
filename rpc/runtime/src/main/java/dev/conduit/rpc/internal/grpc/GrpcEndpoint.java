package dev.conduit.rpc.internal.grpc;

import dev.conduit.core.ChannelOptions;
import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Option;
import dev.conduit.transport.netty.IoEngine;
import dev.conduit.transport.netty.NettyEngine;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.kqueue.KQueueDomainSocketChannel;
import io.netty.channel.kqueue.KQueueServerDomainSocketChannel;
import io.netty.channel.kqueue.KQueueServerSocketChannel;
import io.netty.channel.kqueue.KQueueSocketChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code grpc://host:port}, {@code grpcs://host:port} or {@code grpc+unix:///abs/path.sock} endpoint: its address,
 * whether it uses TLS, the {@code :authority} a client sends, and the Netty channel classes of its I/O engine.
 *
 * @param endpoint the endpoint as given
 * @param address where to connect or bind
 * @param tls whether the connection uses TLS ({@code grpcs})
 * @param authority the {@code :authority} a client sends: {@code host:port}, or {@code localhost} over a Unix socket
 * @param engine the resolved I/O engine
 */
record GrpcEndpoint(Endpoint endpoint, SocketAddress address, boolean tls, String authority, NettyEngine engine) {

    static final String GRPC = "grpc";
    static final String GRPCS = "grpcs";
    static final String GRPC_UNIX = "grpc+unix";

    /** {@code :authority} to send instead of the one the address gives (for virtual hosts, or TLS through a proxy). */
    static final Option<String> AUTHORITY =
            Option.string("authority", null, "the :authority a client sends (default host:port; localhost on unix)");

    /** Whether {@code endpoint} is a gRPC one. */
    static boolean serves(Endpoint endpoint) {
        String s = endpoint.scheme();
        return s.equals(GRPC) || s.equals(GRPCS) || s.equals(GRPC_UNIX);
    }

    /**
     * Reads {@code endpoint}, checking its options.
     *
     * @throws EndpointException if the address or an option is not valid
     */
    static GrpcEndpoint of(Endpoint endpoint) {
        boolean tls = endpoint.scheme().equals(GRPCS);
        List<Option<?>> known = new ArrayList<>(
                List.of(IoEngine.OPTION, ChannelOptions.IDLE, ChannelOptions.CONNECT_TIMEOUT, AUTHORITY));
        if (tls) {
            known.addAll(GrpcTls.OPTIONS);
        }
        endpoint.validate(known);
        NettyEngine engine = NettyEngine.of(endpoint.get(IoEngine.OPTION)).resolve();
        if (endpoint.scheme().equals(GRPC_UNIX)) {
            String path = endpoint.address();
            if (!path.startsWith("/")) {
                throw new EndpointException(endpoint + " needs an absolute socket path: grpc+unix:///abs/path.sock");
            }
            SocketAddress address = engine == NettyEngine.NIO
                    ? UnixDomainSocketAddress.of(Path.of(path))
                    : new DomainSocketAddress(path);
            return new GrpcEndpoint(
                    endpoint, address, false, endpoint.find(AUTHORITY).orElse("localhost"), engine);
        }
        String host = endpoint.host();
        int port = endpoint.port();
        String authority =
                endpoint.find(AUTHORITY).orElse(host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port);
        return new GrpcEndpoint(endpoint, new InetSocketAddress(host, port), tls, authority, engine);
    }

    /**
     * The endpoint for messages and logs: scheme and address only. Its options may name key files, and paths of keys
     * are not printed.
     */
    String describe() {
        return endpoint.scheme() + "://" + endpoint.address();
    }

    @Override
    public String toString() {
        return describe();
    }

    boolean isUnix() {
        return endpoint.scheme().equals(GRPC_UNIX);
    }

    /** The host named by the endpoint, for TLS's server name; null over a Unix socket. */
    String host() {
        return isUnix() ? "localhost" : endpoint.host();
    }

    ChannelFactory<? extends io.netty.channel.Channel> clientChannel() {
        if (isUnix()) {
            return switch (engine) {
                case EPOLL -> EpollDomainSocketChannel::new;
                case IO_URING -> IoUringDomainSocketChannel::new;
                case KQUEUE -> KQueueDomainSocketChannel::new;
                case NIO, AUTO -> NioDomainSocketChannel::new;
            };
        }
        return switch (engine) {
            case EPOLL -> EpollSocketChannel::new;
            case IO_URING -> IoUringSocketChannel::new;
            case KQUEUE -> KQueueSocketChannel::new;
            case NIO, AUTO -> NioSocketChannel::new;
        };
    }

    ChannelFactory<? extends ServerChannel> serverChannel() {
        if (isUnix()) {
            return switch (engine) {
                case EPOLL -> EpollServerDomainSocketChannel::new;
                case IO_URING -> IoUringServerDomainSocketChannel::new;
                case KQUEUE -> KQueueServerDomainSocketChannel::new;
                case NIO, AUTO -> NioServerDomainSocketChannel::new;
            };
        }
        return switch (engine) {
            case EPOLL -> EpollServerSocketChannel::new;
            case IO_URING -> IoUringServerSocketChannel::new;
            case KQUEUE -> KQueueServerSocketChannel::new;
            case NIO, AUTO -> NioServerSocketChannel::new;
        };
    }
}
