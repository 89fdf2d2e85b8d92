package dev.conduit.ipc.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.ipc.PipeOptions;
import dev.conduit.ipc.Pipes;
import dev.conduit.ipc.testing.TempDirs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runtime's budget for partly received frames ({@code inboundBudget}), over unix, fifo and pipe: two peers, real
 * processes ({@code budget/partial_frame_peer.py}), each send 800 KiB of a 2 MiB frame and stall, against a budget of
 * 1 MiB. The connection that would take the total past the budget stops reading and, when no room frees within
 * {@code inboundBudgetWait}, is closed with the reason; the other is untouched and can still finish its frame. (tcp
 * has the same test in {@code transport-socket}.)
 */
class InboundBudgetTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int ANNOUNCED = 2 << 20;
    private static final int SENT = 800 << 10;
    private static final String BUDGET = "inboundBudget=1m&inboundBudgetWait=500ms&maxFrame=4m";

    private Path dir;
    private Conduit conduit;
    private final List<Process> peers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        dir = TempDirs.create();
        conduit = Conduit.builder().name("budget").build();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : peers) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        conduit.close();
        TempDirs.delete(dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"unix", "fifo"})
    void aListenersConnectionThatWouldExceedTheBudgetIsClosedWithTheReasonAndTheFirstFinishes(String kind)
            throws Exception {
        List<Channel<byte[]>> first = new CopyOnWriteArrayList<>();
        List<Channel<byte[]>> second = new CopyOnWriteArrayList<>();
        String where1;
        String where2;
        if (kind.equals("unix")) {
            Path socket = dir.resolve("b.sock");
            conduit.listen(
                    "unix://" + socket + "?" + BUDGET,
                    Codecs.bytes(),
                    ch -> (first.isEmpty() ? first : second).add(ch));
            where1 = socket.toString();
            where2 = where1;
        } else {
            // A fifo listener serves one peer at a time: one listener each, in one runtime, so one budget.
            conduit.listen("fifo://" + dir.resolve("f1") + "?" + BUDGET, Codecs.bytes(), first::add);
            conduit.listen("fifo://" + dir.resolve("f2") + "?" + BUDGET, Codecs.bytes(), second::add);
            where1 = dir.resolve("f1").toString();
            where2 = dir.resolve("f2").toString();
        }
        Peer early = peer(kind, where1);
        assertThat(early.out().readLine())
                .as("the first peer's 800 KiB, all taken")
                .isEqualTo("sent");
        peer(kind, where2); // its bytes take the total past the budget: the listener stops reading them

        await().atMost(TIMEOUT).until(() -> !second.isEmpty() && !second.get(0).isOpen());
        assertBudgetReason(second.get(0));
        assertThat(first).hasSize(1);
        assertThat(first.get(0).isOpen()).as("the first connection").isTrue();
        early.in().write("finish\n");
        early.in().flush();
        assertThat(first.get(0).receive(TIMEOUT)).as("its frame, finished").hasSize(ANNOUNCED);
    }

    @org.junit.jupiter.api.Test
    void aPipeChannelThatWouldExceedTheBudgetIsClosedWithTheReasonAndTheOtherFinishes() throws Exception {
        List<Channel<byte[]>> channels = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String cmd = Pipes.commandLine(List.of(python(), script(), "stdout", "-", "" + ANNOUNCED, "" + SENT));
            Endpoint uri = Endpoint.parse("pipe:?stderr=inherit&" + BUDGET).with(PipeOptions.CMD, cmd);
            channels.add(conduit.connect(uri, Codecs.bytes()));
        }
        // Both children write at once: whichever is read second takes the total past the budget.
        await().atMost(TIMEOUT).until(() -> channels.stream().anyMatch(c -> !c.isOpen()));
        List<Channel<byte[]>> closed =
                channels.stream().filter(c -> !c.isOpen()).toList();
        assertThat(closed).as("closed for the budget").hasSize(1);
        assertBudgetReason(closed.get(0));
        Channel<byte[]> survivor = channels.get(channels.indexOf(closed.get(0)) == 0 ? 1 : 0);
        assertThat(survivor.isOpen()).isTrue();
        survivor.send("finish".getBytes(StandardCharsets.UTF_8));
        assertThat(survivor.receive(TIMEOUT)).as("the other's frame, finished").hasSize(ANNOUNCED);
    }

    private static void assertBudgetReason(Channel<byte[]> channel) throws Exception {
        CloseReason reason = channel.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
        assertThat(reason.toString())
                .contains("inbound budget exhausted")
                .contains("over inboundBudget=1048576")
                .contains("waited");
    }

    private record Peer(BufferedReader out, Writer in) {}

    /** Starts a peer of {@code kind} at {@code where}: its stdout and stdin. */
    private Peer peer(String kind, String where) throws Exception {
        Process p = new ProcessBuilder(python(), script(), kind, where, "" + ANNOUNCED, "" + SENT)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        peers.add(p);
        return new Peer(
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)),
                new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
    }

    private static String python() {
        return System.getProperty("conduit.python", "python3");
    }

    private static String script() {
        try {
            return Path.of(InboundBudgetTest.class
                            .getResource("/budget/partial_frame_peer.py")
                            .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
