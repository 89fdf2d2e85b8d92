package dev.conduit.rpc.suite;

import java.util.List;
import java.util.function.Function;

/**
 * One transport the suite runs over: its name, the URI the server listens on, and where the server runs. Adding a
 * transport to the suite is one line in {@link #all()}.
 *
 * @param name the transport, as shown in test names
 * @param listenUri the server's listen URI (ephemeral port, fresh name or temp path)
 * @param start starts the server on that URI
 * @param sharedServer whether every connection reaches the same server; not over {@code pipe:}, where each
 *     connection spawns a server process of its own that ends with it
 */
public record TransportCase(
        String name, String listenUri, Function<String, TestServers.Handle> start, boolean sharedServer) {

    TransportCase(String name, String listenUri, Function<String, TestServers.Handle> start) {
        this(name, listenUri, start, true);
    }

    /**
     * Every transport the suite covers. Not udp: the protocol needs what a datagram socket does not give (delivery
     * without loss, messages over 64 KiB, a close the server sees, so that a gone client's calls are cancelled); see
     * {@code RpcOverUdpTest} for what happens instead.
     */
    static List<TransportCase> all() {
        return List.of(
                new TransportCase("inproc", "inproc://*", TestServers::inProcess),
                new TransportCase("tcp", "tcp://127.0.0.1:0", TestServers::inProcess),
                new TransportCase("tcp+io_uring", "tcp://127.0.0.1:0?io=io_uring", TestServers::ioUring),
                new TransportCase("tcps", "tcps://127.0.0.1:0", TestServers::tls),
                new TransportCase("unix", "unix://" + TestServers.tempPath("rpc.sock"), TestServers::inProcess),
                new TransportCase("fifo", "fifo://" + TestServers.tempDir(), TestServers::fifoPool),
                // shm and pipe are for crossing processes: their servers run in child JVMs.
                new TransportCase(
                        "shm",
                        "shm://rpc-" + ProcessHandle.current().pid() + "?dir=" + TestServers.tempDir(),
                        TestServers::childProcess),
                new TransportCase("pipe", "pipe:", TestServers::pipeChildren, false),
                // Through a real nats-server, started on first use.
                new TransportCase("nats", "nats://" + TestServers.NATS_SERVER + "/rpc.suite", TestServers::nats),
                // The same calls as plain gRPC on HTTP/2: the carrier changes, nothing above it does.
                new TransportCase("grpc", "grpc://127.0.0.1:0", TestServers::inProcess));
    }

    /** What the retry suite runs over: in-process, a socket, shared memory with a child JVM, and gRPC on HTTP/2. */
    static List<TransportCase> forRetries() {
        List<String> names = List.of("inproc", "tcp", "shm", "grpc");
        return all().stream().filter(t -> names.contains(t.name())).toList();
    }

    /** The transports that speak Conduit's own RPC protocol (whose frames the bad-input suite forges). */
    static List<TransportCase> conduitProtocol() {
        return all().stream().filter(t -> !t.name().equals("grpc")).toList();
    }

    TestServers.Handle startServer() {
        return start.apply(listenUri);
    }

    @Override
    public String toString() {
        return name;
    }
}
