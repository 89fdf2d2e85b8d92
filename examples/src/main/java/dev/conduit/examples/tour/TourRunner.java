package dev.conduit.examples.tour;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Listener;
import dev.conduit.examples.cli.ConduitCli;
import dev.conduit.ipc.Pipes;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Measures one row of the tour: warm-up and timed round trips, then pipelined messages, every reply checked for its
 * sequence number and size; then the RPC columns. {@code verified} counts checked messages as they arrive, so the
 * row's count and the progress line are what was checked, not what was planned.
 */
final class TourRunner {
    static final int SIZE = 64;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final int roundTrips;
    private final int streamed;

    TourRunner(int roundTrips, int streamed) {
        this.roundTrips = roundTrips;
        this.streamed = streamed;
    }

    /** Runs {@code variant}; a failure becomes a failed row. */
    TourResult run(Conduit conduit, TourVariant variant, TourProgress.Watch watch) {
        try {
            return measureRow(conduit, variant, watch.verified());
        } catch (Exception e) {
            return TourResult.failed(variant, e);
        } finally {
            watch.done();
        }
    }

    private TourResult measureRow(Conduit conduit, TourVariant variant, AtomicLong verified) throws Exception {
        Tour.Row row = variant.row();
        if (row.listenUri().startsWith("pipe:")) {
            return measurePipe(conduit, variant, verified);
        }
        if (row.listenUri().startsWith("queue:")) {
            return measureQueue(conduit, variant, verified);
        }
        if (row.rpcOnly()) {
            RpcTour.Result rpc = RpcTour.run(conduit, variant.uri(), roundTrips, streamed, verified);
            return new TourResult(
                    variant, TourResult.Status.VERIFIED, rpc.calls(), 0, 0, 0, rpc, "plain gRPC on HTTP/2 (RPC only)");
        }
        try (Listener<byte[]> listener = conduit.listen(variant.uri(), Codecs.bytes(), ch -> echo(ch, variant));
                Channel<byte[]> client = conduit.connect(variant.apply(listener.endpoint()), Codecs.bytes())) {
            TourResult messaging = measure(variant, client, listener.endpoint().toString(), verified);
            return messaging.withRpc(
                    RpcTour.applies(row.listenUri())
                            ? RpcTour.run(conduit, variant.uri(), roundTrips, streamed, verified)
                            : null);
        }
    }

    /**
     * The pipe row: the client spawns {@code conduit listen pipe: --echo --quiet} and talks over its stdio. The child
     * keeps its defaults in the spin row too: only the client's receiving thread spins.
     */
    private TourResult measurePipe(Conduit conduit, TourVariant variant, AtomicLong verified) throws Exception {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+DisplayVMOutputToStderr",
                "-cp",
                System.getProperty("java.class.path"),
                ConduitCli.class.getName(),
                "listen",
                variant.row().listenUri(),
                "--echo",
                "--quiet",
                "--codec",
                "bytes");
        ProcessBuilder child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        Endpoint endpoint = Endpoint.parse(variant.uri());
        try (Channel<byte[]> client = Pipes.spawn(conduit, child, Codecs.bytes(), endpoint)) {
            long pid = client.property(Pipes.PROCESS).orElseThrow().pid();
            TourResult messaging =
                    measure(variant, client, "pipe: to child " + pid + " (conduit listen pipe: --echo)", verified);
            return messaging.withRpc(RpcTour.runOverPipe(conduit, endpoint, roundTrips, streamed, verified));
        }
    }

    /**
     * The queue row: there is no listener; one channel appends and reads back through its own named reader, so a
     * "round trip" is append to tail. The queue is removed afterwards.
     */
    private TourResult measureQueue(Conduit conduit, TourVariant variant, AtomicLong verified) throws Exception {
        Path dir = Path.of(Endpoint.parse(variant.row().listenUri()).address());
        String uri = variant.row().listenUri() + "?reader=tour&segmentSize=16m";
        try (Channel<byte[]> client = conduit.connect(uri, Codecs.bytes())) {
            return measure(variant, client, uri + " (append -> tail)", verified);
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // nothing was created, or it is gone already
        }
    }

    private TourResult measure(TourVariant variant, Channel<byte[]> client, String detail, AtomicLong verified)
            throws Exception {
        Histogram rtt = new Histogram(60_000_000_000L, 3);
        roundTrips(client, roundTrips / 5, null, verified);
        roundTrips(client, roundTrips, rtt, verified);
        long rate = stream(client, variant.row().window(), verified);
        return new TourResult(
                variant,
                TourResult.Status.VERIFIED,
                verified.get(),
                rtt.getValueAtPercentile(50) / 1e3,
                rtt.getValueAtPercentile(99) / 1e3,
                rate,
                null,
                detail);
    }

    /**
     * The echo: with the defaults on the runtime's handler threads, waiting for writability; in a spin row on the
     * I/O thread ({@code Channel.DIRECT}), where it must not wait, so it relies on {@code sendLimit} alone.
     */
    private static void echo(Channel<byte[]> channel, TourVariant variant) {
        if (variant.spin()) {
            channel.onMessage((ch, message) -> ch.send(message), Channel.DIRECT);
            return;
        }
        channel.onMessage((ch, message) -> {
            if (!ch.isWritable()) {
                ch.awaitWritable(WAIT);
            }
            ch.send(message);
        });
    }

    private static void roundTrips(Channel<byte[]> client, int n, Histogram rtt, AtomicLong verified) throws Exception {
        byte[] payload = new byte[SIZE];
        for (int i = 0; i < n; i++) {
            ByteBuffer.wrap(payload).putLong(i);
            long t0 = System.nanoTime();
            client.send(payload);
            byte[] reply = client.receive(WAIT);
            long t1 = System.nanoTime();
            check(reply, i);
            verified.incrementAndGet();
            if (rtt != null) {
                rtt.recordValue(t1 - t0);
            }
        }
    }

    /**
     * Pipelined: one thread sends as fast as writability (and the row's window, if any) allows while this one
     * receives; returns messages/s.
     */
    private long stream(Channel<byte[]> client, int window, AtomicLong verified) throws Exception {
        Semaphore inFlight = new Semaphore(window > 0 ? window : Integer.MAX_VALUE);
        long t0 = System.nanoTime();
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < streamed; i++) {
                    if (!client.isWritable() && !client.awaitWritable(WAIT)) {
                        throw new IllegalStateException("not writable within " + WAIT);
                    }
                    if (!inFlight.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new IllegalStateException("no reply within " + WAIT + " to free the window");
                    }
                    byte[] payload = new byte[SIZE];
                    ByteBuffer.wrap(payload).putLong(i);
                    client.send(payload);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        for (int i = 0; i < streamed; i++) {
            check(client.receive(WAIT), i);
            verified.incrementAndGet();
            inFlight.release();
        }
        sender.join();
        return Math.round(streamed / ((System.nanoTime() - t0) / 1e9));
    }

    private static void check(byte[] reply, long expected) {
        if (reply == null) {
            throw new IllegalStateException("no reply within " + WAIT + " for message " + expected);
        }
        long seq = ByteBuffer.wrap(reply).getLong();
        if (reply.length != SIZE || seq != expected) {
            throw new IllegalStateException("expected message " + expected + " of " + SIZE + " bytes, got message "
                    + seq + " of " + reply.length + " bytes");
        }
    }
}
