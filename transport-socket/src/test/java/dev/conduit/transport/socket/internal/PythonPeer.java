package dev.conduit.transport.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.testkit.ChildLines;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code interop/conduit_peer.py} run by {@code python3} (standard library only). The interpreter is {@code python3}
 * on the PATH, or the {@code conduit.python} system property. Missing Python fails the test: interop is part of the
 * suite, not optional.
 */
final class PythonPeer implements AutoCloseable {
    private final ChildLines child;

    private PythonPeer(ChildLines child) {
        this.child = child;
    }

    static PythonPeer start(String... args) {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("conduit.python", "python3"));
        command.add(script().toString());
        command.addAll(List.of(args));
        return new PythonPeer(ChildLines.start("python", command, "set -Dconduit.python=/path/to/python3"));
    }

    private static Path script() {
        try {
            return Path.of(
                    PythonPeer.class.getResource("/interop/conduit_peer.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next line the script prints, waiting at most 60 s. */
    String readLine() {
        return child.readLine(60);
    }

    /** The port from the script's {@code listening on <port>} line. */
    int listeningPort() {
        String line = readLine();
        assertThat(line).startsWith("listening on ");
        return Integer.parseInt(line.substring("listening on ".length()).trim());
    }

    /** Waits for the script to exit and asserts it succeeded. */
    void assertSucceeded() throws InterruptedException {
        int status = child.exitStatus(60);
        assertThat(status)
                .as("python's exit status; its stderr: %s", child.stderrSoFar())
                .isZero();
    }

    @Override
    public void close() {
        child.close();
    }
}
