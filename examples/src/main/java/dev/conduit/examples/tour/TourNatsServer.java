package dev.conduit.examples.tour;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The nats-server of the tour's {@code nats} row: a child process on 127.0.0.1 and a free port, JetStream off, its
 * output discarded, killed by {@link #close()}. The tour does not need a NATS installation beyond the program.
 *
 * <p>Not thread-safe: the tour's thread drives it.
 */
final class TourNatsServer implements AutoCloseable {
    /** Where Debian puts the program, which is not on every user's PATH. */
    static final List<String> SBIN = List.of("/usr/sbin", "/usr/local/sbin");

    private final Process process;
    private final int port;

    private TourNatsServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The {@code nats-server} program in one of {@code path}'s directories or of {@code alsoIn}, if there is one. */
    static Optional<Path> find(String path, List<String> alsoIn) {
        List<String> dirs = new ArrayList<>(List.of(path.split(File.pathSeparator)));
        dirs.addAll(alsoIn);
        return dirs.stream()
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, "nats-server"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Starts {@code program} and waits until it takes connections. */
    static TourNatsServer start(Path program) throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Process p = new ProcessBuilder(program.toString(), "-a", "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        TourNatsServer server = new TourNatsServer(p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return server;
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    server.close();
                    throw new IOException(program + " did not take connections on 127.0.0.1:" + port + " within 10 s"
                            + (p.isAlive() ? "" : " (it exited with " + p.exitValue() + ")"));
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
    }

    /** {@code 127.0.0.1:<port>}, for {@code nats://} URIs. */
    String address() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
