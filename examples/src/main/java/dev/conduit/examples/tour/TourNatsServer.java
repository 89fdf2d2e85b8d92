package dev.conduit.examples.tour;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The nats-server of the tour's {@code nats} row: a child process on 127.0.0.1 and a port it picks, JetStream off,
 * its output read only for that port, killed by {@link #close()}. The tour does not need a NATS installation beyond
 * the program.
 *
 * <p>Not thread-safe: the tour's thread drives it.
 */
final class TourNatsServer implements AutoCloseable {
    /** Where Debian puts the program, which is not on every user's PATH. */
    static final List<String> SBIN = List.of("/usr/sbin", "/usr/local/sbin");

    private static final Pattern LISTENING = Pattern.compile("Listening for client connections on \\S*:(\\d+)");

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

    /**
     * Starts {@code program} on a port it picks itself (no port is probed free and handed over, so none can be lost to
     * another socket meanwhile) and returns once its log names the port it listens on.
     */
    static TourNatsServer start(Path program) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(program.toString(), "-a", "127.0.0.1", "-p", "-1")
                .redirectErrorStream(true)
                .start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread log = new Thread(() -> readLog(p, program, listening), "tour-nats-server-log");
        log.setDaemon(true);
        log.start();
        try {
            return new TourNatsServer(p, listening.get(10, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            destroy(p);
            throw new IOException(program + " did not say within 10 s that it listens for clients");
        } catch (ExecutionException e) {
            destroy(p);
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            p.destroyForcibly(); // not waited for: this thread is being stopped
            throw e;
        }
    }

    /** Completes {@code listening} with the client port the log names, then keeps reading so the pipe never fills. */
    private static void readLog(Process p, Path program, CompletableFuture<Integer> listening) {
        String last = "";
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                Matcher m = LISTENING.matcher(line);
                if (!listening.isDone() && m.find()) {
                    listening.complete(Integer.parseInt(m.group(1)));
                }
                if (!line.isBlank()) {
                    last = line;
                }
            }
        } catch (IOException e) {
            last = e.toString();
        }
        listening.completeExceptionally(new IOException(program + " exited before it listened: " + last.strip()));
    }

    private static void destroy(Process p) throws InterruptedException {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /** {@code 127.0.0.1:<port>}, for {@code nats://} URIs. */
    String address() {
        return "127.0.0.1:" + port;
    }

    /** The child process, for tests. */
    Process process() {
        return process;
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
