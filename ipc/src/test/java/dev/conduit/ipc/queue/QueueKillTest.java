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
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL in the middle of the stream, over and over: of writers (their half-written records must never reach a
 * reader, and must not stop the queue) and of a reader (it must resume right after the last message it delivered).
 */
class QueueKillTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_SIZE = 64;

    private final Path dir = TempDirs.create();
    private final Conduit conduit = Conduit.builder().name("survivor").build();
    private final List<Process> children = new ArrayList<>();
    private final Random random = new Random();

    @AfterEach
    void cleanUp() {
        children.forEach(Process::destroyForcibly);
        conduit.close();
        TempDirs.delete(dir);
    }

    @Test
    void killingAWriterMidStreamAHundredTimesLeavesEachWritersRecordsWholeAndContiguous() throws Exception {
        String q = "queue://" + dir.resolve("q") + "?segmentSize=1m";
        Channel<byte[]> reader = conduit.connect(q + "&reader=r&from=start", Codecs.bytes());
        int writers = 100;
        int atOnce = 4;
        for (int round = 0; round < writers / atOnce; round++) {
            List<Process> batch = new ArrayList<>();
            for (int k = 0; k < atOnce; k++) {
                batch.add(start(QueueWriterMain.class, q, Integer.toString(round * atOnce + k), "-1", "" + MAX_SIZE));
            }
            for (Process p : batch) {
                assertThat(firstLine(p)).isEqualTo("appending");
            }
            for (Process p : batch) {
                Thread.sleep(random.nextInt(5)); // anywhere in the stream, not at a fixed point
                p.destroyForcibly();
            }
            for (Process p : batch) {
                assertThat(p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as("killed, not finished").isEqualTo(137);
            }
        }
        Process last = start(QueueWriterMain.class, q, Integer.toString(writers), "1", "" + MAX_SIZE);
        assertThat(last.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        long[] next = new long[writers + 1];
        long total = 0;
        while (next[writers] == 0) {
            byte[] m = reader.receive(TIMEOUT);
            assertThat(m)
                    .as("a message within %s after %d (the queue must not stall)", TIMEOUT, total)
                    .isNotNull();
            QueueMessages.assertIntact(m, MAX_SIZE);
            int w = QueueMessages.writer(m);
            assertThat(QueueMessages.sequence(m)).as("next of writer %d", w).isEqualTo(next[w]);
            next[w]++;
            total++;
        }
        assertThat(total).as("messages read").isGreaterThan(writers);
    }

    @Test
    void aReaderKilledAndRestartedFiftyTimesResumesRightAfterItsLastDeliveredMessage() throws Exception {
        String q = "queue://" + dir.resolve("r");
        Channel<byte[]> writer = conduit.connect(q, Codecs.bytes());
        int count = 1_000_000;
        for (long i = 0; i < count; i++) {
            writer.offer(QueueMessages.message(0, i, 24));
        }
        writer.send(QueueMessages.message(0, -1, 24)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        long last = -1;
        int repeats = 0;
        for (int round = 0; round < 50; round++) {
            Process p = start(QueueReaderMain.class, q + "?reader=r&from=start");
            BufferedReader out = reader(p);
            assertThat(out.readLine()).isEqualTo("reading");
            int killAfter = 20 + random.nextInt(500);
            String line;
            int lines = 0;
            while ((line = out.readLine()) != null) {
                long seq = Long.parseLong(line.split(" ")[1]);
                assertThat(seq).as("not at the end of the queue yet").isNotNegative();
                if (lines == 0 && seq == last) {
                    repeats++; // killed inside the handler: at least once, so it comes again
                } else {
                    assertThat(seq)
                            .as("round %d, line %d: the message after %d", round, lines, last)
                            .isEqualTo(last + 1);
                }
                last = seq;
                if (++lines == killAfter) {
                    // SIGKILL through the handle: Process.destroyForcibly would also close our end of its stdout,
                    // and the lines printed before the kill still arrive, and count.
                    p.toHandle().destroyForcibly();
                }
            }
            assertThat(p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(lines).as("round %d read something", round).isGreaterThanOrEqualTo(killAfter);
        }
        assertThat(repeats).as("messages delivered twice, at most one per kill").isLessThanOrEqualTo(50);
        assertThat(last).isLessThan(count);
    }

    private Process start(Class<?> main, String... args) throws Exception {
        Process p = new ProcessBuilder(ChildJvm.command(List.of(), main, args))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        children.add(p);
        return p;
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    private static String firstLine(Process p) throws Exception {
        return reader(p).readLine();
    }
}
