package dev.conduit.rpc.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.Conduit;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gRPC over a Unix domain socket: {@code grpc+unix:///abs/path.sock}, on both sides. */
class GrpcUnixSocketTest {
    @TempDir
    Path dir;

    private Conduit conduit;

    @BeforeEach
    void runtime() {
        conduit = Conduit.create();
    }

    @AfterEach
    void close() {
        conduit.close();
    }

    private RpcServer serve(Path socket) {
        return RpcServer.builder(conduit)
                .listen("grpc+unix://" + socket)
                .addService(dev.conduit.rpc.ServiceDefinition.builder("test.Echo")
                        .unary(GrpcTestServer.UNARY, (request, responses) -> {
                            responses.onNext(request);
                            responses.onCompleted();
                        })
                        .build())
                .start();
    }

    @Test
    void callsGoOverAnOwnerOnlySocketFileThatIsRemovedOnClose() throws Exception {
        Path socket = dir.resolve("echo.sock");
        try (RpcServer server = serve(socket);
                RpcChannel channel = RpcChannel.builder(conduit)
                        .target("grpc+unix://" + socket)
                        .build()) {
            assertThat(server.endpoints().get(0).toString()).isEqualTo("grpc+unix://" + socket);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
                    .isEqualTo("rw-------");
            assertThat(ClientCalls.blockingUnary(channel, GrpcTestServer.UNARY, CallOptions.DEFAULT, "over unix"))
                    .isEqualTo("over unix");
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void aStaleSocketIsReplacedAndALiveOneRefused() throws Exception {
        Path socket = dir.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket)); // closed below without removing its file: stale
        }
        assertThat(socket).exists();
        try (RpcServer server = serve(socket)) {
            assertThatThrownBy(() -> serve(socket))
                    .isInstanceOf(BindFailedException.class)
                    .hasMessageContaining("already accepting");
        }
        Path regular = Files.writeString(dir.resolve("not-a-socket"), "keep me");
        assertThatThrownBy(() -> serve(regular))
                .isInstanceOf(BindFailedException.class)
                .hasMessageContaining("not a socket");
        assertThat(regular).hasContent("keep me");
    }

    @Test
    void clientSendsLocalhostAsTheAuthority() throws Exception {
        Path socket = dir.resolve("h2.sock");
        CompletableFuture<Http2Headers> request = new CompletableFuture<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel listener = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerDomainSocketChannel.class)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(recordingServer(request));
                        }
                    })
                    .bind(UnixDomainSocketAddress.of(socket))
                    .sync()
                    .channel();
            try (RpcChannel channel =
                    RpcChannel.builder(conduit).target("grpc+unix://" + socket).build()) {
                ClientCalls.blockingUnary(
                        channel,
                        GrpcTestServer.UNARY,
                        CallOptions.DEFAULT.withTimeout(java.time.Duration.ofSeconds(5)),
                        "x");
            } catch (dev.conduit.rpc.RpcException expected) {
                // the recording server answers without a message: only the request matters here
            }
            assertThat(request.get(5, TimeUnit.SECONDS).authority()).hasToString("localhost");
            listener.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    /** An HTTP/2 server that records the first request's headers and ends the call with OK, Trailers-Only. */
    private static Http2ConnectionHandler recordingServer(CompletableFuture<Http2Headers> request) {
        Http2ConnectionHandler[] h = new Http2ConnectionHandler[1];
        h[0] = new Http2ConnectionHandlerBuilder()
                .server(true)
                .frameListener(new GrpcFrameListener() {

                    @Override
                    public void onHeadersRead(
                            ChannelHandlerContext ctx, int id, Http2Headers headers, int padding, boolean end) {
                        request.complete(headers);
                        Http2Headers only = new DefaultHttp2Headers()
                                .status("200")
                                .add("content-type", "application/grpc")
                                .add("grpc-status", "0");
                        h[0].encoder().writeHeaders(ctx, id, only, 0, true, ctx.newPromise());
                        ctx.flush();
                    }
                })
                .build();
        return h[0];
    }
}
