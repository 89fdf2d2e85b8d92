package dev.conduit.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import dev.conduit.ipc.testing.Launch;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Handshakes do not wait on each other: clients that connect to a listener's control socket and say nothing (50 of
 * them, held open by another process) neither stall nor delay a normal client, and each is disconnected once its
 * hello is late ({@code helloTimeout}).
 */
class ShmHandshakeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int SILENT = 50;

    private final ShmTestDirectory dir = new ShmTestDirectory();
    private final Conduit server = Conduit.builder().name("hsserver").build();
    private final Conduit client = Conduit.builder().name("hsclient").build();
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        client.close();
        server.close();
        dir.close();
    }

    @Test
    void fiftySilentClientsDoNotHoldUpANormalConnect() throws Exception {
        // With handshakes one at a time, each silent client would hold the next for the whole hello deadline: 50 x 2 s.
        Listener<byte[]> listener =
                server.listen("shm://*?" + dir.dirOption(), Codecs.bytes(), ch -> ch.onMessage(Channel::send));
        String uri = listener.endpoint() + "&connectTimeout=1s";
        long quiet = medianConnect(uri);
        Silent silent = silent(listener, SILENT);
        long crowded = medianConnect(uri);
        assertThat(silent.closed())
                .as("silent clients still held open while the normal ones connected")
                .isZero();
        // A figure for the record, not a check: wall time is not asserted in tests.
        System.out.printf(
                "connect and one echo, median of 21: %.2f ms alone, %.2f ms with %d silent clients held open%n",
                quiet / 1e6, crowded / 1e6, SILENT);
    }

    @Test
    void aSilentClientIsDisconnectedOnceItsHelloIsLate() throws Exception {
        Listener<byte[]> listener = server.listen(
                "shm://*?" + dir.dirOption() + "&helloTimeout=300ms",
                Codecs.bytes(),
                ch -> ch.onMessage(Channel::send));
        Silent silent = silent(listener, 5);
        await().atMost(TIMEOUT).until(() -> silent.closed() == 5);
        connectAndEcho(listener.endpoint().toString());
    }

    private long medianConnect(String uri) throws InterruptedException {
        long[] took = new long[21];
        for (int i = 0; i < took.length; i++) {
            took[i] = connectAndEcho(uri);
        }
        Arrays.sort(took);
        return took[took.length / 2];
    }

    private long connectAndEcho(String uri) throws InterruptedException {
        long start = System.nanoTime();
        Channel<byte[]> ch = client.connect(uri, Codecs.bytes());
        ch.send(new byte[] {42});
        assertThat(ch.receive(TIMEOUT)).containsExactly(42);
        long took = System.nanoTime() - start;
        ch.close();
        return took;
    }

    /** A child process holding {@code count} silent connections to {@code listener}'s control socket. */
    private Silent silent(Listener<?> listener, int count) {
        String socket = dir.path()
                .resolve("conduit-shm-" + listener.endpoint().address() + ".sock")
                .toString();
        Launch.Started started =
                Launch.start(dev.conduit.ipc.testing.SilentPeersMain.class, socket, String.valueOf(count));
        children.add(started.process());
        assertThat(started.firstLine()).isEqualTo("ready");
        return new Silent(started);
    }

    private record Silent(Launch.Started started) {
        int closed() {
            try {
                Writer in = new OutputStreamWriter(started.process().getOutputStream(), StandardCharsets.UTF_8);
                in.write("count\n");
                in.flush();
                BufferedReader out = started.out();
                String line = out.readLine();
                return Integer.parseInt(line.substring("closed ".length()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
