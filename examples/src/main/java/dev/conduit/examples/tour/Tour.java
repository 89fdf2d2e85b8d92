package dev.conduit.examples.tour;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Listener;
import dev.conduit.examples.cli.ConduitCli;
import dev.conduit.ipc.Pipes;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * {@code conduit tour}: for each transport, a listener and a client in this process exchange messages; one table row
 * per transport with what was verified, round-trip p50/p99 and messages per second. The {@code pipe} row's listener
 * is a child process by nature: {@code conduit listen pipe: --echo}, spawned by the client. Then the key-value store
 * of {@code kv.proto} is served and called over the same transport through its generated stubs: checked unary calls
 * and a server-streaming scan make the {@code rpc} columns (over pipe, the RPC server is a child JVM too). Last, a
 * {@code nats} row through a nats-server the tour starts, if one is installed (the row says why it is skipped if not).
 */
public final class Tour {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int SIZE = 64;

    /**
     * One transport to visit: its name in the table, the URI to listen on, and how many messages may be unanswered
     * while streaming ({@code 0}: as many as writability allows). A transport without flow control (udp) drops what a
     * busy receiver cannot take instead of pushing back, so its row streams through a window.
     */
    public record Row(String transport, String listenUri, int window) {
        /** A row for a transport with flow control. */
        public Row(String transport, String listenUri) {
            this(transport, listenUri, 0);
        }
    }

    /** What one row measured. */
    public record Result(
            Row row,
            boolean verified,
            long exchanged,
            double p50Micros,
            double p99Micros,
            long messagesPerSecond,
            RpcTour.@Nullable Result rpc,
            String detail) {

        /** This result with the RPC columns. */
        Result withRpc(RpcTour.@Nullable Result rpcResult) {
            return new Result(row, verified, exchanged, p50Micros, p99Micros, messagesPerSecond, rpcResult, detail);
        }
    }

    /** The transports of the tour, in table order. */
    public static List<Row> rows() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        String name = "conduit-tour-" + ProcessHandle.current().pid();
        return List.of(
                new Row("inproc", "inproc://tour"),
                new Row("tcp", "tcp://127.0.0.1:0"),
                new Row("udp", "udp://127.0.0.1:0", 64),
                new Row("unix", "unix://" + tmp.resolve(name + ".sock")),
                new Row("shm", "shm://*"),
                new Row("pipe", "pipe:"),
                new Row("fifo", "fifo://" + tmp.resolve(name)));
    }

    private final int roundTrips;
    private final int streamed;
    private final Supplier<Optional<Path>> natsServer;

    /** A tour measuring {@code roundTrips} sequential round trips and {@code streamed} pipelined messages per row. */
    public Tour(int roundTrips, int streamed) {
        this(
                roundTrips,
                streamed,
                () -> TourNatsServer.find(System.getenv().getOrDefault("PATH", ""), TourNatsServer.SBIN));
    }

    /** A tour whose {@code nats} row runs the nats-server {@code natsServer} finds, or is skipped if it finds none. */
    Tour(int roundTrips, int streamed, Supplier<Optional<Path>> natsServer) {
        this.roundTrips = roundTrips;
        this.streamed = streamed;
        this.natsServer = natsServer;
    }

    /** Runs every row in one runtime, printing the table; returns the results. */
    public List<Result> run(PrintWriter out) {
        out.println("conduit tour: a listener and a client per transport, in this process, " + SIZE + "-byte messages");
        out.println();
        out.println(String.format(
                Locale.ROOT,
                "%-10s %10s %9s %9s %12s %10s %9s %9s %12s  %s",
                "transport",
                "verified",
                "p50 us",
                "p99 us",
                "msgs/s",
                "rpc calls",
                "rpc p50",
                "rpc p99",
                "rpc msgs/s",
                "endpoint"));
        out.flush();
        List<Result> results = new ArrayList<>();
        try (Conduit conduit = Conduit.builder().name("tour").build()) {
            for (Row row : rows()) {
                print(runRow(conduit, row), results, out);
            }
            natsRow(conduit, results, out);
        }
        long ok = results.stream().filter(Result::verified).count();
        out.println();
        out.println("tour: " + ok + "/" + results.size() + " transports verified");
        out.flush();
        return results;
    }

    private static void print(Result r, List<Result> results, PrintWriter out) {
        Row row = r.row();
        results.add(r);
        out.println(
                r.verified()
                        ? String.format(
                                Locale.ROOT,
                                "%-10s %10d %9.1f %9.1f %12d %s  %s",
                                row.transport(),
                                r.exchanged(),
                                r.p50Micros(),
                                r.p99Micros(),
                                r.messagesPerSecond(),
                                rpcColumns(r.rpc()),
                                r.detail())
                        : String.format(Locale.ROOT, "%-10s %10s  %s", row.transport(), "FAILED", r.detail()));
        out.flush();
    }

    /**
     * The {@code nats} row, through a nats-server the tour starts (a broker adds a hop; the row shows its cost). Where
     * no nats-server is installed the row says why it is skipped, and the tour does not count it.
     */
    void natsRow(Conduit conduit, List<Result> results, PrintWriter out) {
        Optional<Path> program = natsServer.get();
        if (program.isEmpty()) {
            out.println(skippedNatsRow());
            out.flush();
            return;
        }
        try (TourNatsServer server = TourNatsServer.start(program.get())) {
            print(runRow(conduit, new Row("nats", "nats://" + server.address() + "/tour")), results, out);
        } catch (Exception e) {
            String why = "cannot start " + program.get() + ": " + e.getMessage();
            print(new Result(new Row("nats", "nats:"), false, 0, 0, 0, 0, null, why), results, out);
        }
    }

    private static String skippedNatsRow() {
        return String.format(
                Locale.ROOT,
                "%-10s %10s  %s",
                "nats",
                "skipped",
                "no nats-server on the PATH or in /usr/sbin (install the nats-server package to see this row)");
    }

    private Result runRow(Conduit conduit, Row row) {
        if (row.listenUri().startsWith("pipe:")) {
            return runPipeRow(conduit, row);
        }
        try (Listener<byte[]> listener = conduit.listen(row.listenUri(), Codecs.bytes(), Tour::echo);
                Channel<byte[]> client = conduit.connect(listener.endpoint(), Codecs.bytes())) {
            Result messaging = measure(row, client, listener.endpoint().toString());
            return messaging.withRpc(
                    RpcTour.applies(row.listenUri())
                            ? RpcTour.run(conduit, row.listenUri(), roundTrips, streamed)
                            : null);
        } catch (Exception e) {
            return new Result(row, false, 0, 0, 0, 0, null, e.toString());
        }
    }

    /** The RPC columns: unary calls checked, their p50/p99, streamed responses per second; dashes where not run. */
    private static String rpcColumns(RpcTour.@Nullable Result rpc) {
        return rpc == null
                ? String.format(Locale.ROOT, "%10s %9s %9s %12s", "-", "-", "-", "-")
                : String.format(
                        Locale.ROOT,
                        "%10d %9.1f %9.1f %12d",
                        rpc.calls(),
                        rpc.p50Micros(),
                        rpc.p99Micros(),
                        rpc.messagesPerSecond());
    }

    /** The pipe row: the client spawns {@code conduit listen pipe: --echo --quiet} and talks over its stdio. */
    private Result runPipeRow(Conduit conduit, Row row) {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+DisplayVMOutputToStderr",
                "-cp",
                System.getProperty("java.class.path"),
                ConduitCli.class.getName(),
                "listen",
                row.listenUri(),
                "--echo",
                "--quiet",
                "--codec",
                "bytes");
        ProcessBuilder child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        try (Channel<byte[]> client = Pipes.spawn(conduit, child, Codecs.bytes(), Endpoint.parse(row.listenUri()))) {
            long pid = client.property(Pipes.PROCESS).orElseThrow().pid();
            Result messaging = measure(row, client, "pipe: to child " + pid + " (conduit listen pipe: --echo)");
            return messaging.withRpc(RpcTour.runOverPipe(conduit, roundTrips, streamed));
        } catch (Exception e) {
            return new Result(row, false, 0, 0, 0, 0, null, e.toString());
        }
    }

    private Result measure(Row row, Channel<byte[]> client, String detail) throws Exception {
        Histogram rtt = new Histogram(60_000_000_000L, 3);
        roundTrips(client, roundTrips / 5, null);
        roundTrips(client, roundTrips, rtt);
        long rate = stream(client, row.window());
        return new Result(
                row,
                true,
                roundTrips + roundTrips / 5 + streamed,
                rtt.getValueAtPercentile(50) / 1e3,
                rtt.getValueAtPercentile(99) / 1e3,
                rate,
                null,
                detail);
    }

    private static void echo(Channel<byte[]> channel) {
        channel.onMessage((ch, message) -> {
            if (!ch.isWritable()) {
                ch.awaitWritable(WAIT);
            }
            ch.send(message);
        });
    }

    private static void roundTrips(Channel<byte[]> client, int n, Histogram rtt) throws Exception {
        byte[] payload = new byte[SIZE];
        for (int i = 0; i < n; i++) {
            ByteBuffer.wrap(payload).putLong(i);
            long t0 = System.nanoTime();
            client.send(payload);
            byte[] reply = client.receive(WAIT);
            long t1 = System.nanoTime();
            check(reply, i);
            if (rtt != null) {
                rtt.recordValue(t1 - t0);
            }
        }
    }

    /**
     * Pipelined: one thread sends as fast as writability (and the row's window, if any) allows while this one
     * receives; returns messages/s.
     */
    private long stream(Channel<byte[]> client, int window) throws Exception {
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
