package dev.conduit.benchmarks.charts;

import java.util.List;

/**
 * The comparisons of {@code docs/performance.md} as charts: each Conduit transport beside the library it is measured
 * against in the same JMH run (Aeron IPC, a plain Netty echo, gRPC-java). A new peer (Chronicle Queue, NATS) is a few
 * more {@code cell} lines here.
 */
final class ComparisonCharts {
    private ComparisonCharts() {}

    static final String DEFAULTS = "Conduit, defaults";
    static final String SPIN = "Conduit, idle=spin";
    static final String PEER = "the peer named below";

    static List<Comparison> all() {
        return List.of(overview(), shmBesideAeron(), tcpBesideNetty(), rpcBesideGrpc(), grpcOnTheWire());
    }

    /** The README's chart: 64 B round trips, each transport beside its peer. */
    static Comparison overview() {
        return Comparison.builder(
                        "roundtrip-64b.png", "64-byte round trip: Conduit beside the library it is measured against")
                .cell("shm vs Aeron IPC", DEFAULTS, "ShmBenchmark.roundTrip", "idle=backoff", "size=64")
                .cell("shm vs Aeron IPC", SPIN, "ShmBenchmark.roundTrip", "idle=spin", "size=64")
                .cell("shm vs Aeron IPC", PEER, "AeronIpcBenchmark.roundTrip", "size=64")
                .cell("tcp vs Netty echo", DEFAULTS, "TcpBenchmark.roundTrip", "idle=block", "size=64", "codec=bytes")
                .cell("tcp vs Netty echo", SPIN, "TcpBenchmark.roundTrip", "idle=spin", "size=64", "codec=bytes")
                .cell("tcp vs Netty echo", PEER, "NettyEchoBaseline.roundTrip", "size=64")
                .cell(
                        "RPC tcp vs gRPC-java",
                        DEFAULTS,
                        "RpcBenchmark.unaryRoundTrip",
                        "transport=tcp",
                        "size=64",
                        "options=default")
                .cell(
                        "RPC tcp vs gRPC-java",
                        SPIN,
                        "RpcBenchmark.unaryRoundTrip",
                        "transport=tcp",
                        "size=64",
                        "options=spin")
                .cell("RPC tcp vs gRPC-java", PEER, "GrpcBenchmark.unaryRoundTrip", "transport=tcp", "size=64")
                .cell(
                        "RPC unix vs gRPC-java UDS",
                        DEFAULTS,
                        "RpcBenchmark.unaryRoundTrip",
                        "transport=unix",
                        "size=64",
                        "options=default")
                .cell(
                        "RPC unix vs gRPC-java UDS",
                        SPIN,
                        "RpcBenchmark.unaryRoundTrip",
                        "transport=unix",
                        "size=64",
                        "options=spin")
                .cell("RPC unix vs gRPC-java UDS", PEER, "GrpcBenchmark.unaryRoundTrip", "transport=uds", "size=64")
                .cell(
                        "RPC shm (gRPC has none)",
                        DEFAULTS,
                        "RpcBenchmark.unaryRoundTrip",
                        "transport=shm",
                        "size=64",
                        "options=default")
                .cell(
                        "RPC shm (gRPC has none)",
                        SPIN,
                        "RpcBenchmark.unaryRoundTrip",
                        "transport=shm",
                        "size=64",
                        "options=spin")
                .build();
    }

    static Comparison shmBesideAeron() {
        Comparison.Builder b =
                Comparison.builder("shm-vs-aeron.png", "shm beside Aeron IPC: round trip by message size");
        for (String[] size : SIZES) {
            String bytes = "size=" + size[0];
            b.cell(size[1], "shm, idle=backoff (default)", "ShmBenchmark.roundTrip", "idle=backoff", bytes);
            b.cell(size[1], "shm, idle=spin", "ShmBenchmark.roundTrip", "idle=spin", bytes);
            b.cell(size[1], "Aeron IPC", "AeronIpcBenchmark.roundTrip", bytes);
        }
        return b.build();
    }

    static Comparison tcpBesideNetty() {
        Comparison.Builder b =
                Comparison.builder("tcp-vs-netty.png", "tcp beside a plain Netty echo: round trip by message size");
        for (String[] size : SIZES) {
            String bytes = "size=" + size[0];
            b.cell(size[1], "tcp, idle=block (default)", "TcpBenchmark.roundTrip", "idle=block", bytes, "codec=bytes");
            b.cell(size[1], "tcp, idle=spin", "TcpBenchmark.roundTrip", "idle=spin", bytes, "codec=bytes");
            b.cell(size[1], "Netty echo", "NettyEchoBaseline.roundTrip", bytes);
        }
        return b.build();
    }

    static Comparison rpcBesideGrpc() {
        Comparison.Builder b =
                Comparison.builder("rpc-vs-grpc.png", "Unary RPC beside gRPC-java, 64 B, defaults (direct executors)");
        String[][] transports = {
            {"tcp", "tcp", "tcp"},
            {"unix socket", "unix", "uds"},
            {"in-process", "inproc", "inproc"},
            {"shm", "shm", null}
        };
        for (String[] t : transports) {
            String rpc = "transport=" + t[1];
            b.cell(t[0], "Conduit RPC", "RpcBenchmark.unaryRoundTrip", rpc, "size=64", "options=default");
            if (t[2] != null) {
                b.cell(t[0], "gRPC-java", "GrpcBenchmark.unaryRoundTrip", "transport=" + t[2], "size=64");
            }
        }
        return b.build();
    }

    /** Plain gRPC on HTTP/2 ({@code grpc://}): the four pairings of client and server, grpc-java and Conduit. */
    static Comparison grpcOnTheWire() {
        Comparison.Builder b = Comparison.builder(
                "grpc-wire.png", "gRPC on the wire (h2c over tcp), unary: grpc-java and Conduit as client and server");
        String[][] pairings = {
            {"gRPC-java client and server", "grpc-java>grpc-java"},
            {"grpc-java client, Conduit server", "grpc-java>conduit"},
            {"Conduit client, grpc-java server", "conduit>grpc-java"},
            {"Conduit client and server", "conduit>conduit"}
        };
        for (String[] size : new String[][] {SIZES[0], SIZES[1]}) {
            for (String[] p : pairings) {
                b.cell(size[1], p[0], "GrpcWireBenchmark.unaryRoundTrip", "pairing=" + p[1], "size=" + size[0]);
            }
        }
        return b.build();
    }

    /** The bar colour of a series: the peer library orange, Conduit with {@code spin} dark blue, its defaults light. */
    static java.awt.Color color(String series) {
        if (series.equals(PEER) || PEERS.stream().anyMatch(series::startsWith)) {
            return new java.awt.Color(0xfd8d3c);
        }
        if (series.contains(" client, ")) { // a mixed gRPC pairing
            return series.startsWith("Conduit") ? new java.awt.Color(0x74c476) : new java.awt.Color(0xbcbddc);
        }
        return series.contains("spin") || series.equals("Conduit client and server")
                ? new java.awt.Color(0x08519c)
                : new java.awt.Color(0x9ecae1);
    }

    private static final List<String> PEERS = List.of("Aeron", "Netty", "gRPC-java");

    private static final String[][] SIZES = {{"64", "64 B"}, {"1024", "1 KiB"}, {"65536", "64 KiB"}};
}
