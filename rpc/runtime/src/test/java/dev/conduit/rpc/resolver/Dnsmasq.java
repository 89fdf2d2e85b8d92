package dev.conduit.rpc.resolver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real DNS server for a test: Debian's {@code dnsmasq} on 127.0.0.1 at a free port, answering only from a hosts file
 * the test rewrites ({@link #hosts}; dnsmasq re-reads it on SIGHUP). Without dnsmasq the test is skipped, or fails
 * where {@code CONDUIT_REQUIRE_DNSMASQ=true} (CI installs it). Closing stops the server.
 */
final class Dnsmasq implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/sbin/dnsmasq");
    private static final int PORT_ATTEMPTS = 5;

    private final Process process;
    private final Path hostsFile;
    private final int port;

    private Dnsmasq(Process process, Path hostsFile, int port) {
        this.process = process;
        this.hostsFile = hostsFile;
        this.port = port;
    }

    /**
     * Starts dnsmasq serving {@code hosts} lines ({@code 127.0.0.2 svc.test}) from a file in {@code dir}. The port is
     * one found free for both UDP and TCP (dnsmasq listens on both); another process may take it before dnsmasq binds
     * it, so a start that fails with "Address already in use" is tried again on another port, a few times.
     */
    static Dnsmasq start(Path dir, List<String> hosts) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            String message = BINARY + " not found: install the Debian package dnsmasq-base";
            if (Boolean.parseBoolean(System.getenv("CONDUIT_REQUIRE_DNSMASQ"))) {
                throw new AssertionError(message + " (CONDUIT_REQUIRE_DNSMASQ=true)");
            }
            Assumptions.abort(message);
        }
        Path file = dir.resolve("hosts");
        Files.write(file, hosts);
        List<String> tries = new ArrayList<>();
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            int port = freeUdpAndTcpPort();
            Dnsmasq d = launch(file, port);
            List<String> printed = d.awaitStarted();
            if (printed == null) {
                return d;
            }
            d.close();
            tries.add("port " + port + ": " + String.join(" | ", printed));
            if (printed.stream().noneMatch(l -> l.contains("Address already in use"))) {
                break;
            }
        }
        throw new AssertionError("dnsmasq did not start; what it printed on each try: " + tries);
    }

    private static int freeUdpAndTcpPort() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int i = 0; ; i++) {
            try (DatagramSocket udp = new DatagramSocket(0, loopback)) {
                int port = udp.getLocalPort();
                try (ServerSocket tcp = new ServerSocket(port, 1, loopback)) {
                    return tcp.getLocalPort();
                } catch (BindException inUse) {
                    if (i == 50) {
                        throw inUse;
                    }
                }
            }
        }
    }

    private static Dnsmasq launch(Path file, int port) throws IOException {
        Process p = new ProcessBuilder(
                        BINARY.toString(),
                        "--keep-in-foreground",
                        "--conf-file=/dev/null",
                        "--no-resolv",
                        "--no-hosts",
                        "--addn-hosts=" + file,
                        "--listen-address=127.0.0.1",
                        "--bind-interfaces",
                        "--port=" + port,
                        "--cache-size=0",
                        "--pid-file=",
                        "--user=" + System.getProperty("user.name"),
                        "--log-facility=-")
                .redirectErrorStream(true)
                .start();
        return new Dnsmasq(p, file, port);
    }

    /**
     * Waits for dnsmasq's "started" line and then keeps draining its log so that it never blocks on a full pipe.
     * Returns null once started, or every line it printed before it exited (or before 30 s passed).
     */
    private List<String> awaitStarted() {
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> printed = new CopyOnWriteArrayList<>();
        boolean started;
        try {
            started = CompletableFuture.supplyAsync(() -> {
                        try {
                            for (String line; (line = out.readLine()) != null; ) {
                                if (!line.isBlank()) {
                                    printed.add(line);
                                }
                                if (line.contains("started")) {
                                    return true;
                                }
                            }
                            printed.add("(exited)");
                            return false;
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .orTimeout(30, TimeUnit.SECONDS)
                    .join();
        } catch (CompletionException e) {
            printed.add("(" + e.getCause() + ")");
            started = false;
        }
        if (!started) {
            return printed;
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discarded
                }
            } catch (IOException e) {
                // closed
            }
        });
        drain.setDaemon(true);
        drain.start();
        return null;
    }

    /** The DNS server's {@code host:port}, for {@code dns://server/name:port}. */
    String server() {
        return "127.0.0.1:" + port;
    }

    /** Replaces the hosts file and has dnsmasq re-read it. */
    void hosts(List<String> lines) throws IOException, InterruptedException {
        Files.write(hostsFile, lines);
        Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid()))
                .inheritIO()
                .start();
        assertThat(hup.waitFor()).as("kill -HUP dnsmasq").isZero();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
