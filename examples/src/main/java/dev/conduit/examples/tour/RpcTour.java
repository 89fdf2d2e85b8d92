package dev.conduit.examples.tour;

import com.google.protobuf.ByteString;
import dev.conduit.core.Channel;
import dev.conduit.core.Codec;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.examples.kv.Entry;
import dev.conduit.examples.kv.GetRequest;
import dev.conduit.examples.kv.KvRpc;
import dev.conduit.examples.kv.KvStore;
import dev.conduit.examples.kv.PutManyReply;
import dev.conduit.examples.kv.PutRequest;
import dev.conduit.examples.kv.ScanRequest;
import dev.conduit.ipc.Pipes;
import dev.conduit.rpc.BlockingStreamCall;
import dev.conduit.rpc.ChannelFactory;
import dev.conduit.rpc.ResponseStream;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServiceDefinition;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The tour's RPC columns for one transport: the key-value store of {@code kv.proto} served and called through its
 * generated stubs ({@link KvRpc}). Unary {@code Put} and {@code Get} calls whose answers are checked give the
 * round-trip p50/p99 (of the {@code Get}s); a client-streaming {@code PutMany} fills a prefix and a server-streaming
 * {@code Scan} reads it back, checked entry by entry, for messages per second.
 */
final class RpcTour {
    private RpcTour() {}

    private static final int SIZE = 64;
    private static final Set<String> DATAGRAM_SCHEMES = Set.of("udp");

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

    /** The tour's service: a fresh key-value store. */
    static ServiceDefinition service() {
        return KvRpc.bindService(new KvStore());
    }

    /** Runs the RPC part of a row; throws if an answer is missing or wrong. */
    static Result run(Conduit conduit, String rowUri, int calls, int streamed, AtomicLong checked) {
        try (RpcServer server = RpcServer.builder(conduit)
                        .listen(listenUri(rowUri))
                        .addService(service())
                        // The tour never calls Watch, the one handler that blocks: the others run on the I/O thread.
                        .directExecutor()
                        .start();
                RpcChannel channel = RpcChannel.builder(conduit)
                        .target(server.endpoints().get(0).toString())
                        .build()) {
            return measure(KvRpc.newBlockingClient(channel), calls, streamed, checked);
        }
    }

    /** The RPC part of the pipe row: the server is a child JVM serving on its stdio ({@link RpcTourServer}). */
    static Result runOverPipe(Conduit conduit, Endpoint options, int calls, int streamed, AtomicLong checked) {
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
                return CompletableFuture.completedFuture(Pipes.spawn(conduit, child, codec, options));
            }
        };
        try (RpcChannel channel =
                RpcChannel.builder(conduit).target("pipe: child", spawn).build()) {
            return measure(KvRpc.newBlockingClient(channel), calls, streamed, checked);
        }
    }

    /** Checked unary calls, then a checked stream; {@code checked} counts every call and entry as it checks out. */
    private static Result measure(KvRpc.BlockingClient kv, int calls, int streamed, AtomicLong checked) {
        int keys = Math.max(1, calls / 5);
        for (int i = 0; i < keys; i++) { // also the warm-up
            if (!kv.put(put("tour/unary/", i)).getCreated()) {
                throw new IllegalStateException("put " + i + " did not create its key");
            }
            checked.incrementAndGet();
        }
        Histogram rtt = new Histogram(60_000_000_000L, 3);
        for (int i = 0; i < calls; i++) {
            int k = i % keys;
            GetRequest request =
                    GetRequest.newBuilder().setKey(key("tour/unary/", k)).build();
            long t0 = System.nanoTime();
            ByteString value = kv.get(request).getValue();
            rtt.recordValue(System.nanoTime() - t0);
            check(value, k, "get");
            checked.incrementAndGet();
        }
        return new Result(
                keys + (long) calls,
                rtt.getValueAtPercentile(50) / 1e3,
                rtt.getValueAtPercentile(99) / 1e3,
                stream(kv, streamed, checked));
    }

    /** Fills a prefix with one client-streaming call, then times reading it back with one server-streaming call. */
    private static long stream(KvRpc.BlockingClient kv, int count, AtomicLong checked) {
        PutManyReply stored;
        try (BlockingStreamCall<PutRequest, PutManyReply> putMany = kv.putMany()) {
            for (int i = 0; i < count; i++) {
                putMany.send(put("tour/scan/", i));
            }
            putMany.halfClose();
            stored = putMany.receive();
        }
        if (stored == null) {
            throw new IllegalStateException("PutMany ended without its reply");
        }
        if (stored.getCount() != count) {
            throw new IllegalStateException("PutMany stored " + stored.getCount() + " of " + count);
        }
        long t0 = System.nanoTime();
        long received = 0;
        try (ResponseStream<Entry> entries =
                kv.scan(ScanRequest.newBuilder().setPrefix("tour/scan/").build())) {
            while (entries.hasNext()) {
                Entry e = entries.next();
                if (!e.getKey().equals(key("tour/scan/", (int) received))) {
                    throw new IllegalStateException("scanned entry " + received + " is " + e.getKey());
                }
                check(e.getValue(), (int) received, "scan");
                received++;
                checked.incrementAndGet();
            }
        }
        if (received != count) {
            throw new IllegalStateException("scanned " + received + " of " + count + " entries");
        }
        return Math.round(count / ((System.nanoTime() - t0) / 1e9));
    }

    private static String key(String prefix, int i) {
        return prefix + String.format(Locale.ROOT, "%08d", i); // zero-padded: Scan returns keys in order
    }

    private static PutRequest put(String prefix, int i) {
        byte[] value = new byte[SIZE];
        ByteBuffer.wrap(value).putInt(i);
        return PutRequest.newBuilder()
                .setKey(key(prefix, i))
                .setValue(ByteString.copyFrom(value))
                .build();
    }

    private static void check(ByteString value, int i, String call) {
        if (value.size() != SIZE || value.asReadOnlyByteBuffer().getInt() != i) {
            throw new IllegalStateException(call + " of key " + i + " got a wrong value");
        }
    }
}
