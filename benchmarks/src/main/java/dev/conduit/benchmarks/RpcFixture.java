package dev.conduit.benchmarks;

import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.ResponseStream;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.StreamObserver;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A Conduit RPC server and client over one transport: a unary echo and a server stream of byte messages. Handlers
 * run on the direct executor, as the gRPC-java side of the comparison does.
 */
public final class RpcFixture implements AutoCloseable {
    static final MethodDescriptor<byte[], byte[]> ECHO =
            MethodDescriptor.of("bench.Echo/Unary", MethodType.UNARY, Codecs.bytes(), Codecs.bytes());
    static final MethodDescriptor<byte[], byte[]> STREAM =
            MethodDescriptor.of("bench.Echo/Stream", MethodType.SERVER_STREAMING, Codecs.bytes(), Codecs.bytes());

    private final Conduit conduit;
    private final RpcServer server;
    /** The client. */
    public final RpcChannel channel;

    /**
     * @param transport inproc, tcp, unix or shm, or a whole URI to listen on (such as {@code nats://host:port/subject})
     * @param options a named option set for both ends ({@link #uriOptions}), or URI options such as {@code idle=spin}
     */
    public RpcFixture(String transport, String options) {
        conduit = Conduit.builder().name("rpc-bench").build();
        String uri = withOptions(listenUri(transport), options);
        server = RpcServer.builder(conduit)
                .listen(uri)
                .addService(service())
                .directExecutor()
                .start();
        String target = server.endpoints().get(0).toString();
        channel = RpcChannel.builder(conduit).target(target).build();
    }

    /**
     * The URI options of a named option set: {@code default} (or empty) is none, the transport's defaults; {@code
     * spin} is {@code idle=spin}, so that the transport's thread busy-polls and a blocking caller spins for its
     * response instead of parking (the lowest latency, a busy core per spinning thread). Anything with a {@code =} is
     * taken as URI options as it stands.
     */
    static String uriOptions(String options) {
        return switch (options) {
            case "", "default" -> "";
            case "spin" -> "idle=spin";
            default -> {
                if (!options.contains("=")) {
                    throw new IllegalArgumentException("unknown option set " + options
                            + "; expected default, spin or URI options such as idle=spin");
                }
                yield options;
            }
        };
    }

    /** {@code uri} with the options of {@code options} ({@link #uriOptions}) added to its query. */
    static String withOptions(String uri, String options) {
        String added = uriOptions(options);
        if (added.isEmpty()) {
            return uri;
        }
        return uri + (uri.contains("?") ? "&" : "?") + added;
    }

    static String listenUri(String transport) {
        String unique = "bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        return switch (transport) {
            case "inproc" -> "inproc://" + unique;
            case "tcp" -> "tcp://127.0.0.1:0";
            case "unix" -> "unix://" + Path.of(System.getProperty("java.io.tmpdir"), unique + ".sock");
            case "shm" -> "shm://" + unique;
            default -> {
                if (!transport.contains("://")) {
                    throw new IllegalArgumentException("unknown transport " + transport);
                }
                yield transport;
            }
        };
    }

    static ServiceDefinition service() {
        return ServiceDefinition.builder("bench.Echo")
                .unary(ECHO, (request, responses) -> {
                    responses.onNext(request);
                    responses.onCompleted();
                })
                .serverStreaming(STREAM, (request, responses) -> {
                    ByteBuffer r = ByteBuffer.wrap(request);
                    int count = r.getInt();
                    byte[] message = new byte[r.getInt()];
                    for (int i = 0; i < count; i++) {
                        responses.onNext(message);
                    }
                    responses.onCompleted();
                })
                .build();
    }

    /** One unary call. */
    public byte[] unary(byte[] request) {
        return unary(channel, request);
    }

    static byte[] unary(RpcChannel channel, byte[] request) {
        return ClientCalls.blockingUnary(channel, ECHO, CallOptions.DEFAULT, request);
    }

    /** One server-streaming call of {@code count} messages of {@code size} bytes; returns the bytes received. */
    public long stream(int count, int size) {
        return stream(channel, count, size);
    }

    static long stream(RpcChannel channel, int count, int size) {
        byte[] request = ByteBuffer.allocate(8).putInt(count).putInt(size).array();
        long bytes = 0;
        int received = 0;
        try (ResponseStream<byte[]> responses =
                ClientCalls.blockingServerStreaming(channel, STREAM, CallOptions.DEFAULT, request)) {
            while (responses.hasNext()) {
                bytes += responses.next().length;
                received++;
            }
        }
        if (received != count) {
            throw new IllegalStateException("received " + received + " of " + count + " messages");
        }
        return bytes;
    }

    /** Like {@link #stream}, with the responses going to an observer on the transport thread. */
    public long streamAsync(int count, int size) {
        return streamAsync(channel, count, size);
    }

    static long streamAsync(RpcChannel channel, int count, int size) {
        byte[] request = ByteBuffer.allocate(8).putInt(count).putInt(size).array();
        java.util.concurrent.CompletableFuture<Long> done = new java.util.concurrent.CompletableFuture<>();
        ClientCalls.asyncServerStreaming(
                channel, STREAM, CallOptions.DEFAULT.withExecutor(Runnable::run), request, new StreamObserver<>() {
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
        channel.close();
        server.close();
        conduit.close();
    }
}
