package dev.conduit.benchmarks;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC-java side of the comparison: the same two methods as {@link RpcFixture}, defined by hand with {@link
 * MethodDescriptor} and a byte-array marshaller (no code generator), over TCP and a Unix domain socket
 * (grpc-netty-shaded, epoll) or in-process. Server and client use the direct executor, like the Conduit side.
 */
public final class GrpcFixture implements AutoCloseable {
    /** Byte arrays as they are. */
    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("bench.Echo/Unary")
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();
    static final MethodDescriptor<byte[], byte[]> STREAM = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
            .setFullMethodName("bench.Echo/Stream")
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();

    private final Server server;
    private final ManagedChannel channel;
    private final EventLoopGroup[] groups;
    private final Path socket;

    /** @param transport tcp, uds or inproc */
    public GrpcFixture(String transport) {
        ServerServiceDefinition service = service();
        try {
            switch (transport) {
                case "tcp" -> {
                    groups = new EventLoopGroup[0];
                    socket = null;
                    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                            .addService(service)
                            .directExecutor()
                            .build()
                            .start();
                    int port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
                    channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
                            .usePlaintext()
                            .directExecutor()
                            .build();
                }
                case "uds" -> {
                    groups = new EventLoopGroup[] {new EpollEventLoopGroup(1), new EpollEventLoopGroup(1)};
                    socket = Files.createTempFile("grpc-bench", ".sock");
                    Files.delete(socket);
                    server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                            .channelType(EpollServerDomainSocketChannel.class)
                            .bossEventLoopGroup(groups[0])
                            .workerEventLoopGroup(groups[0])
                            .addService(service)
                            .directExecutor()
                            .build()
                            .start();
                    channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                            .channelType(EpollDomainSocketChannel.class)
                            .eventLoopGroup(groups[1])
                            .usePlaintext()
                            .directExecutor()
                            .build();
                }
                case "inproc" -> {
                    groups = new EventLoopGroup[0];
                    socket = null;
                    String name = "bench-" + System.nanoTime();
                    server = InProcessServerBuilder.forName(name)
                            .addService(service)
                            .directExecutor()
                            .build()
                            .start();
                    channel = InProcessChannelBuilder.forName(name)
                            .directExecutor()
                            .build();
                }
                default -> throw new IllegalArgumentException("unknown transport " + transport);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The echo service: a unary echo, and a stream of as many messages of a size as the request says. */
    static ServerServiceDefinition service() {
        return ServerServiceDefinition.builder("bench.Echo")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, responses) -> {
                    responses.onNext(request);
                    responses.onCompleted();
                }))
                .addMethod(STREAM, ServerCalls.asyncServerStreamingCall((request, responses) -> {
                    ByteBuffer r = ByteBuffer.wrap(request);
                    int count = r.getInt();
                    byte[] message = new byte[r.getInt()];
                    for (int i = 0; i < count; i++) {
                        responses.onNext(message);
                    }
                    responses.onCompleted();
                }))
                .build();
    }

    /** One unary call. */
    public byte[] unary(byte[] request) {
        return unary(channel, request);
    }

    static byte[] unary(io.grpc.Channel channel, byte[] request) {
        return ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, request);
    }

    /** One server-streaming call of {@code count} messages of {@code size} bytes; returns the bytes received. */
    public long stream(int count, int size) {
        return stream(channel, count, size);
    }

    static long stream(io.grpc.Channel channel, int count, int size) {
        byte[] request = ByteBuffer.allocate(8).putInt(count).putInt(size).array();
        Iterator<byte[]> responses =
                ClientCalls.blockingServerStreamingCall(channel, STREAM, CallOptions.DEFAULT, request);
        long bytes = 0;
        int received = 0;
        while (responses.hasNext()) {
            bytes += responses.next().length;
            received++;
        }
        if (received != count) {
            throw new IllegalStateException("received " + received + " of " + count + " messages");
        }
        return bytes;
    }

    /** Like {@link #stream}, with the responses going to an observer (the channel's direct executor). */
    public long streamAsync(int count, int size) {
        return streamAsync(channel, count, size);
    }

    static long streamAsync(io.grpc.Channel channel, int count, int size) {
        byte[] request = ByteBuffer.allocate(8).putInt(count).putInt(size).array();
        java.util.concurrent.CompletableFuture<Long> done = new java.util.concurrent.CompletableFuture<>();
        ClientCalls.asyncServerStreamingCall(
                channel.newCall(STREAM, CallOptions.DEFAULT), request, new io.grpc.stub.StreamObserver<byte[]>() {
                    long bytes;

                    @Override
                    public void onNext(byte[] value) {
                        bytes += value.length;
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(bytes);
                    }
                });
        return done.join();
    }

    @Override
    public void close() {
        try {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            for (EventLoopGroup g : groups) {
                g.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
            if (socket != null) {
                Files.deleteIfExists(socket);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
