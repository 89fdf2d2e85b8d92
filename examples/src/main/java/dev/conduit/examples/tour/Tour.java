package dev.conduit.examples.tour;

import dev.conduit.core.Conduit;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code conduit tour}: for each transport, a listener and a client in this process exchange messages; one table row
 * per transport and option set with what was verified, round-trip p50/p99 and messages per second. Each transport
 * runs with its defaults, and where it has them, again with the lowest-latency options ({@code idle=spin}, the echo
 * on the I/O thread, the reply read by the spinning thread): a row named {@code tcp/spin}. A spin row needs a core
 * for each of its spinning threads and is skipped, with the reason, on a machine with fewer. The {@code pipe} row's
 * listener is a child process by nature: {@code conduit listen pipe: --echo}, spawned by the client. Then the
 * key-value store of {@code kv.proto} is served and called over the same transport through its generated stubs:
 * checked unary calls and a server-streaming scan make the {@code rpc} columns (over pipe, the RPC server is a child
 * JVM too). The {@code grpc} row is RPC only: the same store as plain gRPC on HTTP/2, which has no messaging channel
 * of its own. The {@code nats} row goes through a nats-server the tour starts, if one is installed (the row says why it
 * is skipped if not). A closing summary line compares the rows just measured.
 *
 * <p>Not thread-safe: one tour runs on the calling thread; progress is printed from a timer thread of its own.
 */
public final class Tour {

    /**
     * One transport to visit: its name in the table, the URI to listen on, how many messages may be unanswered while
     * streaming ({@code 0}: as many as writability allows), and how many threads spin in its lowest-latency row
     * ({@code 0}: it has none). A transport without flow control (udp) drops what a busy receiver cannot take instead
     * of pushing back, so its row streams through a window.
     */
    public record Row(String transport, String listenUri, int window, int spinThreads) {
        /** A row for a transport with flow control and no lowest-latency row. */
        public Row(String transport, String listenUri) {
            this(transport, listenUri, 0, 0);
        }

        /** A row streaming through a window of {@code window} messages ({@code 0}: none), with no spin row. */
        public Row(String transport, String listenUri, int window) {
            this(transport, listenUri, window, 0);
        }

        /** This row, also measured with {@code idle=spin} by {@code threads} spinning threads. */
        public Row spin(int threads) {
            return new Row(transport, listenUri, window, threads);
        }

        /** This row, streaming through a window of {@code messages}. */
        public Row window(int messages) {
            return new Row(transport, listenUri, messages, spinThreads);
        }

        /** Whether the row measures RPC only ({@code grpc://} carries calls, not messages). */
        public boolean rpcOnly() {
            return listenUri.startsWith("grpc");
        }

        /** The option sets this row is measured with, in table order. */
        List<TourVariant> variants() {
            return spinThreads == 0
                    ? List.of(new TourVariant(this, TourVariant.Options.DEFAULTS))
                    : List.of(
                            new TourVariant(this, TourVariant.Options.DEFAULTS),
                            new TourVariant(this, TourVariant.Options.SPIN));
        }
    }

    /**
     * The transports of the tour, in table order. In one process a spinning socket loop is shared by both ends and
     * the waiting client spins too (two threads); shm's poller serves both ends and the client reads its own ring
     * (two); over pipe and fifo only the receiving thread spins (one); an inproc reply is delivered by the echo's
     * direct handler to the spinning client (one).
     */
    public static List<Row> rows() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        String name = "conduit-tour-" + ProcessHandle.current().pid();
        return List.of(
                new Row("inproc", "inproc://tour").spin(1),
                new Row("tcp", "tcp://127.0.0.1:0").spin(2),
                new Row("udp", "udp://127.0.0.1:0").window(64),
                new Row("unix", "unix://" + tmp.resolve(name + ".sock")).spin(2),
                new Row("shm", "shm://*").spin(2),
                new Row("pipe", "pipe:").spin(1),
                new Row("fifo", "fifo://" + tmp.resolve(name)).spin(1),
                new Row("queue", "queue://" + tmp.resolve(name + "-queue")),
                new Row("grpc", "grpc://127.0.0.1:0"));
    }

    /** The names of {@link #rows()}, for {@code --transports}. */
    public static List<String> transports() {
        return rows().stream().map(Row::transport).toList();
    }

    private final TourRunner runner;
    private final int cores;
    private final Set<String> only;
    private final Supplier<Optional<Path>> natsServer;

    /**
     * A tour measuring {@code roundTrips} sequential round trips and {@code streamed} pipelined messages per row, on a
     * machine with {@code cores} cores, of the transports named in {@code only} (all if empty).
     */
    public Tour(int roundTrips, int streamed, int cores, Set<String> only) {
        this(
                roundTrips,
                streamed,
                cores,
                only,
                () -> TourNatsServer.find(System.getenv().getOrDefault("PATH", ""), TourNatsServer.SBIN));
    }

    /** A tour whose {@code nats} row runs the nats-server {@code natsServer} finds, or is skipped if it finds none. */
    Tour(int roundTrips, int streamed, int cores, Set<String> only, Supplier<Optional<Path>> natsServer) {
        this.runner = new TourRunner(roundTrips, streamed);
        this.cores = cores;
        this.only = only;
        this.natsServer = natsServer;
    }

    /**
     * Runs every row in one runtime, printing the table (or JSON lines) to {@code out} as each row finishes and
     * progress of slow rows to {@code progress}; returns the results.
     */
    public List<TourResult> run(PrintWriter out, PrintWriter progress, boolean json) {
        TourOutput output = json ? TourOutput.json(out) : TourOutput.table(out);
        output.header(TourRunner.SIZE);
        List<TourResult> results = new ArrayList<>();
        try (Conduit conduit = Conduit.builder().name("tour").build();
                TourProgress ticker = TourProgress.start(progress)) {
            for (Row row : rows()) {
                if (!only.isEmpty() && !only.contains(row.transport())) {
                    continue;
                }
                for (TourVariant variant : row.variants()) {
                    TourResult r = variant.spinThreads() > cores
                            ? TourResult.skipped(
                                    variant,
                                    "needs " + variant.spinThreads()
                                            + " cores for its spinning threads, this machine has " + cores)
                            : runner.run(conduit, variant, ticker.watch(variant.name()));
                    results.add(r);
                    output.row(r);
                }
            }
            if (only.isEmpty() || only.contains("nats")) {
                TourResult r = natsRow(conduit, ticker);
                results.add(r);
                output.row(r);
            }
        }
        output.end(results, TourSummary.of(results));
        return results;
    }

    /**
     * The {@code nats} row, through a nats-server started for it (a broker adds a hop; the row shows its cost). Where
     * no nats-server is installed the row says why it is skipped, which the tour does not count as a failure.
     */
    TourResult natsRow(Conduit conduit, TourProgress ticker) {
        Optional<Path> program = natsServer.get();
        TourVariant unstarted = new TourVariant(new Row("nats", "nats:"), TourVariant.Options.DEFAULTS);
        if (program.isEmpty()) {
            return TourResult.skipped(
                    unstarted,
                    "no nats-server on the PATH or in /usr/sbin (install the nats-server package to see this row)");
        }
        try (TourNatsServer server = TourNatsServer.start(program.get())) {
            Row row = new Row("nats", "nats://" + server.address() + "/tour");
            return runner.run(conduit, new TourVariant(row, TourVariant.Options.DEFAULTS), ticker.watch("nats"));
        } catch (Exception e) {
            return TourResult.failed(unstarted, e);
        }
    }
}
