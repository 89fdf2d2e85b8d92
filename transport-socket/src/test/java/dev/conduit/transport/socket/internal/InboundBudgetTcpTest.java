package dev.conduit.transport.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The runtime's budget for partly received frames over tcp: two peers (python processes) each send 800 KiB of a
 * 2 MiB frame and stall, against {@code inboundBudget=1m}. The second stops being read and, past {@code
 * inboundBudgetWait}, is closed with the reason; the first is untouched and finishes its frame. (unix, fifo and pipe
 * have the same test in {@code ipc}.)
 */
class InboundBudgetTcpTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int ANNOUNCED = 2 << 20;
    private static final int SENT = 800 << 10;
    /** Sends a length prefix and part of the frame, says so, and sends the rest on the line "finish". */
    private static final String PEER = String.join(
            "\n",
            "import socket, sys",
            "announced, sent = int(sys.argv[2]), int(sys.argv[3])",
            "conn = socket.create_connection(('127.0.0.1', int(sys.argv[1])))",
            "try:",
            "    conn.sendall(announced.to_bytes(4, 'big') + b'x' * sent)",
            "except OSError as e:",
            "    print('closed: ' + str(e), flush=True); sys.exit(0)",
            "print('sent', flush=True)",
            "for line in sys.stdin:",
            "    if line.strip() == 'finish':",
            "        conn.sendall(b'x' * (announced - sent)); print('finished', flush=True)");

    private final Conduit conduit = Conduit.builder().name("tcpbudget").build();
    private final List<Process> peers = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : peers) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        conduit.close();
    }

    @Test
    void theConnectionThatWouldExceedTheBudgetIsClosedWithTheReasonAndTheFirstFinishes() throws Exception {
        List<Channel<byte[]>> accepted = new CopyOnWriteArrayList<>();
        Listener<byte[]> listener = conduit.listen(
                "tcp://127.0.0.1:0?inboundBudget=1m&inboundBudgetWait=500ms&maxFrame=4m",
                Codecs.bytes(),
                accepted::add);
        int port = listener.endpoint().port();
        Process first = peer(port);
        BufferedReader firstOut =
                new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
        assertThat(firstOut.readLine())
                .as("the first peer's 800 KiB, all taken")
                .isEqualTo("sent");
        await().atMost(TIMEOUT).until(() -> accepted.size() == 1);
        peer(port); // its bytes take the total past the budget: the listener stops reading them

        await().atMost(TIMEOUT)
                .until(() -> accepted.size() == 2 && !accepted.get(1).isOpen());
        CloseReason reason = accepted.get(1).closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
        assertThat(reason.toString())
                .contains("inbound budget exhausted")
                .contains("over inboundBudget=1048576")
                .contains("waited");
        assertThat(accepted.get(0).isOpen()).as("the first connection").isTrue();
        Writer toFirst = new OutputStreamWriter(first.getOutputStream(), StandardCharsets.UTF_8);
        toFirst.write("finish\n");
        toFirst.flush();
        assertThat(accepted.get(0).receive(TIMEOUT)).as("its frame, finished").hasSize(ANNOUNCED);
    }

    private Process peer(int port) throws Exception {
        Process p = new ProcessBuilder(
                        System.getProperty("conduit.python", "python3"),
                        "-c",
                        PEER,
                        String.valueOf(port),
                        String.valueOf(ANNOUNCED),
                        String.valueOf(SENT))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        peers.add(p);
        return p;
    }
}
