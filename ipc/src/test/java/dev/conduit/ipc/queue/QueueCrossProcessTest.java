package dev.conduit.ipc.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.ipc.testing.ChildJvm;
import dev.conduit.ipc.testing.TempDirs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Writers and readers in different processes share one queue: one total order, nothing lost, torn or doubled. */
class QueueCrossProcessTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_SIZE = 1000;

    private final Path dir = TempDirs.create();
    private final Conduit conduit = Conduit.builder().name("cross").build();
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        children.forEach(Process::destroyForcibly);
        conduit.close();
        TempDirs.delete(dir);
    }

    @Test
    void twoWriterProcessesAndTwoReadersSeeEveryMessageOnceWholeAndInTheSameOrder() throws Exception {
        // Small segments, so that the writers also roll over many segments while they race.
        String q = "queue://" + dir.resolve("q") + "?segmentSize=256k";
        int perWriter = 100_000;
        Channel<byte[]> first = conduit.connect(q + "&reader=first&from=start", Codecs.bytes());
        Channel<byte[]> second = conduit.connect(q + "&reader=second&from=start&idle=block", Codecs.bytes());
        Process a = writer(q, 1, perWriter);
        Process b = writer(q, 2, perWriter);
        go(a);
        go(b);
        long[] next = new long[3];
        List<Long> order = new ArrayList<>();
        for (int n = 0; n < 2 * perWriter; n++) {
            byte[] m = first.receive(TIMEOUT);
            assertThat(m).as("message %d of %d", n, 2 * perWriter).isNotNull();
            QueueMessages.assertIntact(m, MAX_SIZE);
            int w = QueueMessages.writer(m);
            assertThat(QueueMessages.sequence(m)).as("next of writer %d", w).isEqualTo(next[w]);
            next[w]++;
            order.add(w * 1_000_000L + QueueMessages.sequence(m));
        }
        assertThat(first.receive(Duration.ofMillis(200)))
                .as("nothing more, no duplicate")
                .isNull();
        int switches = 0;
        for (int n = 1; n < order.size(); n++) {
            if (order.get(n) / 1_000_000L != order.get(n - 1) / 1_000_000L) {
                switches++;
            }
        }
        assertThat(switches)
                .as("times the order switched writers: the writers raced")
                .isGreaterThan(1);
        for (int n = 0; n < order.size(); n++) {
            byte[] m = second.receive(TIMEOUT);
            assertThat(m).isNotNull();
            assertThat(QueueMessages.writer(m) * 1_000_000L + QueueMessages.sequence(m))
                    .as("the second reader's message %d is the first reader's", n)
                    .isEqualTo(order.get(n));
        }
        assertThat(a.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(b.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(a.exitValue()).isZero();
        assertThat(b.exitValue()).isZero();
        assertThat(Queues.info(dir.resolve("q")).segments().size())
                .as("segments the writers rolled through")
                .isGreaterThan(10);
    }

    private Process writer(String q, int id, int count) throws Exception {
        Process p = new ProcessBuilder(ChildJvm.command(
                        List.of(),
                        QueueWriterMain.class,
                        q,
                        Integer.toString(id),
                        Integer.toString(count),
                        Integer.toString(MAX_SIZE),
                        "gate"))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("ready");
        return p;
    }

    private static void go(Process p) throws Exception {
        p.getOutputStream().write('\n');
        p.getOutputStream().flush();
    }
}
