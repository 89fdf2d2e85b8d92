package dev.conduit.benchmarks;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.RpcServer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The server of {@link RpcTwoProcessBenchmark}, in a JVM of its own: serves {@link RpcFixture#service()} with its
 * handlers on the direct executor, prints {@value #READY} and its endpoint on stdout once it is bound, and exits when
 * its stdin ends (the parent closed it, or died), so that no orphan keeps a core busy. Arguments: the transport
 * ({@code shm}, {@code unix} or {@code tcp}), the option set ({@link RpcFixture#uriOptions}), and the directory for
 * shm's files and the unix socket.
 */
public final class RpcPeerMain {
    /** What the line that carries the endpoint starts with. */
    static final String READY = "listening ";

    private RpcPeerMain() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: RpcPeerMain <shm|unix|tcp> <default|spin> <dir>");
            System.exit(64);
        }
        String uri = RpcFixture.withOptions(listenUri(args[0], Path.of(args[2])), args[1]);
        try (Conduit conduit = Conduit.builder().name("rpc-peer").build();
                RpcServer server = RpcServer.builder(conduit)
                        .listen(uri)
                        .addService(RpcFixture.service())
                        .directExecutor()
                        .start()) {
            System.out.println(READY + server.endpoints().get(0));
            System.out.flush();
            while (System.in.read() != -1) {
                // The parent writes nothing; end of stream is the signal to stop.
            }
        }
    }

    static String listenUri(String transport, Path dir) {
        return switch (transport) {
            case "shm" -> "shm://*?dir=" + dir;
            case "unix" -> "unix://" + dir.resolve("rpc.sock");
            case "tcp" -> "tcp://127.0.0.1:0";
            default ->
                throw new IllegalArgumentException("unknown transport " + transport + "; expected shm, unix or tcp");
        };
    }
}
