package dev.conduit.examples.tour;

import dev.conduit.core.Channel;
import dev.conduit.core.Codec;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.ipc.Pipes;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ChannelFactory;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.ResponseStream;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServiceDefinition;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;

/**
 * The tour's RPC columns for one transport: an RPC server and client in this process, unary calls whose answers are
 * checked (round-trip p50/p99), then one server-streaming call (messages per second). Methods are described by hand
 * with the bytes codec.
 */
final class RpcTour {
    private RpcTour() {}

    private static final int SIZE = 64;
    private static final Set<String> DATAGRAM_SCHEMES = Set.of("udp");

    static final MethodDescriptor<byte[], byte[]> ECHO =
            MethodDescriptor.of("conduit.tour.Echo/Unary", MethodType.UNARY, Codecs.bytes(), Codecs.bytes());
    static final MethodDescriptor<byte[], byte[]> STREAM = MethodDescriptor.of(
            "conduit.tour.Echo/Stream", MethodType.SERVER_STREAMING, Codecs.bytes(), Codecs.bytes());

    /**
     * What the RPC part of a row measured.
     *
     * @param calls unary calls made and checked
     * @param p50Micros median round trip of a unary call
     * @param p99Micros 99th percentile
     * @param messagesPerSecond responses per second of one server-streaming call
     */
    record Result(long calls, double p50Micros, double p99Micros, long messagesPerSecond) {}

    /** Whether RPC runs over the row's transport: it needs a reliable, ordered one, so not datagrams. */
    static boolean applies(String listenUri) {
        return !DATAGRAM_SCHEMES.contains(Endpoint.parse(listenUri).scheme());
    }

    /** A listen URI for the RPC server beside the row's messaging listener: the same, or a name of its own. */
    static String listenUri(String rowUri) {
        Endpoint e = Endpoint.parse(rowUri);
        boolean fresh = e.address().endsWith(":0") || e.address().equals("*"); // the transport picks a new one
        return fresh ? rowUri : e.withAddress(e.address() + "-rpc").toString();
    }

    static ServiceDefinition service() {
        return ServiceDefinition.builder("conduit.tour.Echo")
                .unary(ECHO, (request, responses) -> {
                    responses.onNext(request);
                    responses.onCompleted();
                })
                .serverStreaming(STREAM, (request, responses) -> {
                    int count = ByteBuffer.wrap(request).getInt();
                    for (int i = 0; i < count; i++) {
                        byte[] m = new byte[SIZE];
                        ByteBuffer.wrap(m).putLong(i);
                        responses.onNext(m);
                    }
                    responses.onCompleted();
                })
                .build();
    }

    /** Runs the RPC part of a row; throws if an answer is missing or wrong. */
    static Result run(Conduit conduit, String rowUri, int calls, int streamed) {
        try (RpcServer server = RpcServer.builder(conduit)
                        .listen(listenUri(rowUri))
                        .addService(service())
                        .directExecutor() // trivial handlers: no thread hop on the server
                        .start();
                RpcChannel channel = RpcChannel.builder(conduit)
                        .target(server.endpoints().get(0).toString())
                        .build()) {
            return measure(channel, calls, streamed);
        }
    }

    /** The RPC part of the pipe row: the server is a child JVM serving on its stdio ({@link RpcTourServer}). */
    static Result runOverPipe(Conduit conduit, int calls, int streamed) {
        ProcessBuilder child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:+DisplayVMOutputToStderr",
                        "-cp",
                        System.getProperty("java.class.path"),
                        RpcTourServer.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        ChannelFactory spawn = new ChannelFactory() {
            @Override
            public <T> CompletableFuture<Channel<T>> open(Codec<T> codec) {
                return CompletableFuture.completedFuture(Pipes.spawn(conduit, child, codec));
            }
        };
        try (RpcChannel channel = RpcChannel.builder(conduit).target("pipe: child", spawn).build()) {
            return measure(channel, calls, streamed);
        }
    }

    private static Result measure(RpcChannel channel, int calls, int streamed) {
        Histogram rtt = new Histogram(60_000_000_000L, 3);
        unary(channel, calls / 5, null);
        unary(channel, calls, rtt);
        return new Result(
                calls + calls / 5,
                rtt.getValueAtPercentile(50) / 1e3,
                rtt.getValueAtPercentile(99) / 1e3,
                stream(channel, streamed));
    }

    private static void unary(RpcChannel channel, int n, Histogram rtt) {
        byte[] request = new byte[SIZE];
        for (int i = 0; i < n; i++) {
            ByteBuffer.wrap(request).putLong(i);
            long t0 = System.nanoTime();
            byte[] reply = ClientCalls.blockingUnary(channel, ECHO, CallOptions.DEFAULT, request);
            long t1 = System.nanoTime();
            if (!Arrays.equals(reply, request)) {
                throw new IllegalStateException("unary call " + i + " got a wrong answer");
            }
            if (rtt != null) {
                rtt.recordValue(t1 - t0);
            }
        }
    }

    private static long stream(RpcChannel channel, int count) {
        byte[] request = ByteBuffer.allocate(4).putInt(count).array();
        long t0 = System.nanoTime();
        long received = 0;
        try (ResponseStream<byte[]> responses =
                ClientCalls.blockingServerStreaming(channel, STREAM, CallOptions.DEFAULT, request)) {
            while (responses.hasNext()) {
                byte[] m = responses.next();
                if (m.length != SIZE || ByteBuffer.wrap(m).getLong() != received) {
                    throw new IllegalStateException("streamed message " + received + " is wrong");
                }
                received++;
            }
        }
        if (received != count) {
            throw new IllegalStateException("streamed " + received + " of " + count + " messages");
        }
        return Math.round(count / ((System.nanoTime() - t0) / 1e9));
    }
}
