package dev.conduit.rpc.interop;

import static org.junit.jupiter.api.Assumptions.abort;

import dev.conduit.core.testkit.ChildLines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Python grpcio as an interop peer: {@code interop/grpc_peer.py} run by the interpreter of a virtual environment that
 * has {@code grpcio} and {@code grpcio-tools} (1.84). {@code .ci/run} makes it under {@code target/grpc-python} and
 * names it in {@code CONDUIT_GRPC_PYTHON}; it also sets {@code CONDUIT_REQUIRE_GRPC_PYTHON=true}, so that on CI a
 * missing Python fails the tests instead of skipping them. Elsewhere, without the variable, they are skipped (and
 * reported as skipped). The Python stubs are generated once per JVM from the same .proto files as the Java side.
 */
final class PythonGrpc implements AutoCloseable {
    private static Path generated;

    private final ChildLines child;

    private PythonGrpc(ChildLines child) {
        this.child = child;
    }

    /** The interpreter, or an abort (skip) or failure when there is none, as the environment asks. */
    static String python() {
        String python = System.getenv("CONDUIT_GRPC_PYTHON");
        boolean required = Boolean.parseBoolean(System.getenv("CONDUIT_REQUIRE_GRPC_PYTHON"));
        if (python == null || python.isBlank() || !Files.isExecutable(Path.of(python))) {
            String why = "no Python with grpcio: set CONDUIT_GRPC_PYTHON to a python that has grpcio and grpcio-tools "
                    + "1.84 (.ci/run makes one in target/grpc-python)";
            if (required) {
                throw new AssertionError(why + "; CONDUIT_REQUIRE_GRPC_PYTHON=true makes this a failure");
            }
            abort(why);
        }
        return python;
    }

    /** Runs the peer with {@code args} after the generated stubs' directory. */
    static PythonGrpc start(String... args) {
        List<String> command = new ArrayList<>(List.of(python(), script().toString(), stubs().toString()));
        command.addAll(List.of(args));
        return new PythonGrpc(ChildLines.start("the Python peer", command, "set CONDUIT_GRPC_PYTHON"));
    }

    private static synchronized Path stubs() {
        if (generated == null) {
            try {
                Path dir = Files.createTempDirectory("conduit-grpc-py");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                Path protos = Path.of(System.getProperty("conduit.interop.protos", "src/test/proto"));
                Process p = new ProcessBuilder(
                                python(),
                                "-m",
                                "grpc_tools.protoc",
                                "-I" + protos,
                                "--python_out=" + dir,
                                "--grpc_python_out=" + dir,
                                "grpc/testing/empty.proto",
                                "grpc/testing/messages.proto",
                                "grpc/testing/test.proto")
                        .directory(protos.toFile())
                        .redirectErrorStream(true)
                        .start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new AssertionError("grpcio-tools could not generate the Python stubs: " + out);
                }
                generated = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return generated;
    }

    private static Path script() {
        try {
            return Path.of(PythonGrpc.class.getResource("/interop/grpc_peer.py").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next line the peer prints, waiting at most {@code seconds}. */
    String readLine(int seconds) {
        return child.readLine(seconds);
    }

    String stderrSoFar() {
        return child.stderrSoFar();
    }

    /** Stops the peer: closes its stdin (a server's signal to stop), then waits, then kills it. */
    @Override
    public void close() throws Exception {
        child.closeStdin();
        child.stop(10);
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
