package dev.conduit.transport.nats.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.opentest4j.TestAbortedException;

/**
 * A real {@code nats-server} (the Debian package, 2.9 or newer) for a test: on 127.0.0.1, a port the server picks,
 * JetStream on with a store in a fresh temporary directory, stopped and removed by {@link #close()}. Never a mock.
 *
 * <p>Where no {@code nats-server} is installed, {@link #start} skips the calling test with the reason; where NATS is
 * required ({@code CONDUIT_REQUIRE_NATS=true}, set by {@code .ci/run}, or {@code -Dconduit.requireNats=true}) it
 * fails it instead, so that CI cannot pass by skipping.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class NatsServer implements AutoCloseable {
    /** The environment variable that makes a missing {@code nats-server} a failure. */
    public static final String REQUIRE_ENV = "CONDUIT_REQUIRE_NATS";

    private static final Pattern CLIENT_URL = Pattern.compile("\"nats\":\\[\"nats://[^\"]*:(\\d+)\"");

    private final Path dir;
    private final List<String> args;
    private final String name;
    private @Nullable Process process;
    private int port;
    private boolean jetStream = true;

    private NatsServer(Path dir, String name, List<String> args) {
        this.dir = dir;
        this.name = name;
        this.args = args;
    }

    /** The {@code nats-server} executable, if one is installed. */
    public static Optional<Path> binary() {
        List<String> dirs =
                new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"));
        return dirs.stream()
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, "nats-server"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Whether a missing {@code nats-server} fails tests instead of skipping them. */
    public static boolean required() {
        return Boolean.getBoolean("conduit.requireNats") || "true".equals(System.getenv(REQUIRE_ENV));
    }

    /** Returns if {@code nats-server} is installed; otherwise fails (where required) or skips the calling test. */
    public static Path assumeInstalled() {
        Optional<Path> b = binary();
        if (b.isPresent()) {
            return b.get();
        }
        String why = "nats-server is not installed (install the Debian package nats-server; .ci/run does)";
        if (required()) {
            throw new AssertionError(why + ", and " + REQUIRE_ENV + "=true says NATS tests must run");
        }
        throw new TestAbortedException(why);
    }

    private static @Nullable NatsServer shared;

    /**
     * One server for the whole test JVM, for tests that neither stop it nor change its settings; stopped when the JVM
     * exits.
     */
    public static synchronized NatsServer shared() {
        if (shared == null) {
            NatsServer s = start();
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "nats-server-stop"));
            shared = s;
        }
        return shared;
    }

    /** A single server with JetStream, {@code extraArgs} added (for example {@code --user u --pass p}). */
    public static NatsServer start(String... extraArgs) {
        NatsServer s = new NatsServer(tempDir(), "solo", List.of(extraArgs));
        s.launch(-1);
        return s;
    }

    /**
     * A single server with JetStream that takes messages of up to {@code maxPayload} bytes (the default is 1 MiB;
     * the server allows up to 64 MiB), set in a configuration file as an operator would.
     */
    public static NatsServer withMaxPayload(int maxPayload) {
        Path dir = tempDir();
        Path config = dir.resolve("server.conf");
        try {
            Files.writeString(config, "max_payload: " + maxPayload + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NatsServer s = new NatsServer(dir, "solo", List.of("-c", config.toString()));
        s.launch(-1);
        return s;
    }

    /** A single server without JetStream: core NATS only. */
    public static NatsServer withoutJetStream() {
        NatsServer s = new NatsServer(tempDir(), "solo", List.of());
        s.jetStream = false;
        s.launch(-1);
        return s;
    }

    /**
     * {@code size} servers routed to each other on loopback as one cluster with JetStream: node {@code i}'s cluster
     * port is picked free here, its client port by the server. Another socket may take a picked port before its node
     * listens on it (the node then exits); such a cluster is stopped and started again on other ports, a few times.
     */
    public static List<NatsServer> cluster(int size) {
        List<String> tries = new ArrayList<>();
        for (int attempt = 0; attempt < 3; attempt++) {
            int[] clusterPorts = new int[size];
            for (int i = 0; i < size; i++) {
                clusterPorts[i] = freePort();
            }
            List<NatsServer> nodes = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                List<String> routes = new ArrayList<>();
                for (int j = 0; j < size; j++) {
                    if (j != i) {
                        routes.add("nats://127.0.0.1:" + clusterPorts[j]);
                    }
                }
                List<String> a = List.of(
                        "--cluster_name",
                        "conduit-test",
                        "--cluster",
                        "nats://127.0.0.1:" + clusterPorts[i],
                        "--routes",
                        String.join(",", routes));
                nodes.add(new NatsServer(tempDir(), "n" + (i + 1), a));
            }
            try {
                for (NatsServer n : nodes) {
                    n.launch(-1);
                }
                for (int i = 0; i < size; i++) {
                    nodes.get(i).awaitLog("Listening for route connections on 127.0.0.1:" + clusterPorts[i]);
                }
                return nodes;
            } catch (RuntimeException e) {
                String logs = nodes.stream().map(NatsServer::log).reduce("", String::concat);
                nodes.forEach(NatsServer::close);
                if (!logs.contains("address already in use")) {
                    throw e;
                }
                tries.add(e.getMessage());
            }
        }
        throw new IllegalStateException("a cluster port was taken by another socket on every try: " + tries);
    }

    /** Waits until the server's log holds {@code line}; fails if the server exits first or 20 s pass. */
    private void awaitLog(String line) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!log().contains(line)) {
            Process p = process;
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException("nats-server " + name + " exited; its log: " + log());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("nats-server " + name + " did not log '" + line + "' within 20 s");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while nats-server started");
            }
        }
    }

    /** The server's name ({@code -n}): {@code solo}, or {@code n1}, {@code n2}... in a cluster. */
    public String name() {
        return name;
    }

    /** {@code nats://127.0.0.1:<port>}. */
    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    /** {@code 127.0.0.1:<port>}, for {@code nats://} endpoints. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Kills the server with SIGKILL: no goodbye to its clients or routes. */
    public void kill() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            waitFor(p);
            process = null;
        }
    }

    /** Starts the server again on the port it had, with the store it had. */
    public void restart() {
        kill();
        launch(port);
    }

    private void launch(int clientPort) {
        Path binary = assumeInstalled();
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "-a",
                "127.0.0.1",
                "-p",
                String.valueOf(clientPort),
                "-n",
                name,
                "--ports_file_dir",
                dir.toString()));
        if (jetStream) {
            command.addAll(List.of("-js", "-sd", dir.resolve("store").toString()));
        }
        command.addAll(args);
        try {
            deletePortsFiles();
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("server.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        port = awaitPort();
    }

    private int awaitPort() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Process p = process;
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException("nats-server exited; its log: " + log());
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(x -> x.toString().endsWith(".ports")).toList()) {
                    Matcher m = CLIENT_URL.matcher(Files.readString(f));
                    if (m.find()) {
                        return Integer.parseInt(m.group(1));
                    }
                }
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (IOException e) {
                // written as we read; look again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while nats-server started");
            }
        }
        throw new IllegalStateException("nats-server did not report its port within 20 s; its log: " + log());
    }

    /** The server's log so far. */
    public String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void deletePortsFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".ports")).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** Stops the server and removes its store. */
    @Override
    public void close() {
        kill();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }

    private static void waitFor(Process p) {
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("conduit-nats");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "nats-server " + name + " at " + url();
    }
}
