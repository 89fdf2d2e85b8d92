package dev.conduit.transport.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Interop with a peer that is not Conduit: Python's standard {@code socket} module ({@code interop/conduit_peer.py})
 * speaking the wire format of {@code docs/wire-format.md}, in both roles, over tcp with both framings and over udp.
 */
class PythonInteropTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The sizes conduit_peer.py sends with length framing; message i is {@link #pattern}(i, size). */
    private static final int[] LENGTH_SIZES = {0, 1, 5, 4096, 65536, 1 << 20};

    private static final List<String> LINES =
            List.of("hello", "", "with spaces and tabs\tinside", "caf\u00e9 \u2713 utf-8", "last line");

    private Conduit conduit;
    private PythonPeer python;

    @BeforeEach
    void runtime() {
        conduit = Conduit.builder().name("interop").build();
    }

    @AfterEach
    void close() {
        if (python != null) {
            python.close();
        }
        conduit.close();
    }

    @Test
    void pythonClientExchangesLengthPrefixedMessagesUpToOneMebibyteWithAConduitListener() throws Exception {
        List<byte[]> received = new CopyOnWriteArrayList<>();
        Listener<byte[]> listener = conduit.listen(
                "tcp://127.0.0.1:0",
                Codecs.bytes(),
                ch -> ch.onMessage((c, m) -> {
                    received.add(m);
                    c.send(m);
                }));
        python = PythonPeer.start(
                "tcp-client", "127.0.0.1", String.valueOf(listener.endpoint().port()), "length");
        python.assertSucceeded();
        assertThat(received).hasSize(LENGTH_SIZES.length);
        for (int i = 0; i < LENGTH_SIZES.length; i++) {
            assertThat(received.get(i)).as("message %d as Python sent it", i).isEqualTo(pattern(i, LENGTH_SIZES[i]));
        }
    }

    @Test
    void pythonClientExchangesLinesWithAConduitListener() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        Listener<String> listener = conduit.listen(
                "tcp://127.0.0.1:0?framing=line",
                Codecs.text(),
                ch -> ch.onMessage((c, m) -> {
                    received.add(m);
                    c.send(m.toUpperCase(Locale.ROOT));
                }));
        python = PythonPeer.start(
                "tcp-client", "127.0.0.1", String.valueOf(listener.endpoint().port()), "line");
        python.assertSucceeded();
        assertThat(received).as("lines, with '\\r\\n' endings stripped").containsExactlyElementsOf(LINES);
    }

    @Test
    void conduitClientExchangesLengthPrefixedMessagesWithAPythonServer() throws Exception {
        python = PythonPeer.start("tcp-server", "length");
        Channel<byte[]> channel = conduit.connect("tcp://127.0.0.1:" + python.listeningPort(), Codecs.bytes());
        for (int i = 0; i < LENGTH_SIZES.length; i++) {
            byte[] m = pattern(i, LENGTH_SIZES[i]);
            channel.send(m);
            byte[] back = channel.receive(TIMEOUT);
            assertThat(back).as("answer %d", i).isNotNull();
            assertThat(new String(back, 0, 3, StandardCharsets.US_ASCII)).isEqualTo("py:");
            assertThat(java.util.Arrays.copyOfRange(back, 3, back.length)).isEqualTo(m);
        }
        channel.close();
        assertThat(python.readLine()).isEqualTo("answered " + LENGTH_SIZES.length);
        python.assertSucceeded();
    }

    @Test
    void conduitClientExchangesLinesWithAPythonServer() throws Exception {
        python = PythonPeer.start("tcp-server", "line");
        Channel<String> channel =
                conduit.connect("tcp://127.0.0.1:" + python.listeningPort() + "?framing=line", Codecs.text());
        for (String line : LINES) {
            channel.send(line);
            assertThat(channel.receive(TIMEOUT)).isEqualTo("py:" + line);
        }
        channel.close();
        assertThat(python.readLine()).isEqualTo("answered " + LINES.size());
        python.assertSucceeded();
    }

    @Test
    void pythonUdpPeerExchangesDatagramsWithAConduitListener() throws Exception {
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        Listener<byte[]> listener = conduit.listen(
                "udp://127.0.0.1:0",
                Codecs.bytes(),
                ch -> ch.onMessage((c, m) -> {
                    sizes.add(m.length);
                    c.send(m);
                }));
        python = PythonPeer.start(
                "udp-client", "127.0.0.1", String.valueOf(listener.endpoint().port()));
        python.assertSucceeded();
        assertThat(sizes).containsExactly(1, 5, 1400, 65507);
    }

    @Test
    void conduitUdpClientExchangesDatagramsWithAPythonPeer() throws Exception {
        python = PythonPeer.start("udp-server");
        Channel<byte[]> channel = conduit.connect("udp://127.0.0.1:" + python.listeningPort(), Codecs.bytes());
        for (int i = 0; i < 3; i++) {
            byte[] m = pattern(i, 100 * (i + 1));
            channel.send(m);
            byte[] back = channel.receive(TIMEOUT);
            assertThat(back).as("answer %d", i).isNotNull();
            assertThat(java.util.Arrays.copyOfRange(back, 3, back.length)).isEqualTo(m);
        }
        channel.send("bye".getBytes(StandardCharsets.US_ASCII));
        assertThat(python.readLine()).isEqualTo("answered 3");
        python.assertSucceeded();
    }

    /** The bytes conduit_peer.py's pattern(index, size) gives. */
    private static byte[] pattern(int index, int size) {
        byte[] b = new byte[size];
        for (int j = 0; j < size; j++) {
            b[j] = (byte) (index * 31 + j);
        }
        return b;
    }
}
