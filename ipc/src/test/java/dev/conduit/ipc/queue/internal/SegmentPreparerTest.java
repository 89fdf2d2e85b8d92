package dev.conduit.ipc.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.ipc.testing.TempDirs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A writer that fills a segment while the preparer is still making the next one (its zero-fill is slow, here held by
 * a latch): the writer waits for that file instead of zero-filling a second one beside it, and makes the segment
 * itself only if the preparation failed.
 */
class SegmentPreparerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int SEGMENT = 64 << 10;
    private static final Retention.Policy KEEP_ALL = new Retention.Policy(null, null);

    private final Path root = TempDirs.create();
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final QueueClock clock = new QueueClock(timer);
    private final CountDownLatch making = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    /** Segments the preparer's maker created (not found there already). */
    private final AtomicInteger made = new AtomicInteger();

    private SegmentPreparer preparer;
    private Appender appender;
    private Thread sender;

    @AfterEach
    void cleanUp() throws InterruptedException {
        release.countDown();
        if (sender != null) {
            sender.join(TIMEOUT.toMillis());
        }
        if (appender != null) {
            appender.close();
        }
        if (preparer != null) {
            preparer.close();
        }
        clock.close();
        timer.shutdownNow();
        TempDirs.delete(root);
    }

    @Test
    void aWriterAtTheEndOfASegmentWaitsForTheNextOneBeingPreparedInsteadOfMakingASecondCopy() throws Exception {
        startPreparing(null);

        CompletableFuture<Long> rolled = appendUntilTheNextSegment();
        await().atMost(TIMEOUT).until(() -> rolled.isDone() || sender.getState() == Thread.State.TIMED_WAITING);
        assertThat(rolled)
                .as("the send that needs segment 1 while it is being prepared")
                .isNotDone();

        release.countDown();
        assertThat(rolled.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1L);
        assertThat(made).as("segment 1 made by the preparer").hasValue(1);
    }

    @Test
    void aWriterWhoseSegmentCouldNotBePreparedMakesItItself() throws Exception {
        startPreparing(new IOException("No space left on device"));

        CompletableFuture<Long> rolled = appendUntilTheNextSegment();
        await().atMost(TIMEOUT).until(() -> rolled.isDone() || sender.getState() == Thread.State.TIMED_WAITING);
        release.countDown();

        assertThat(rolled.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1L);
        assertThat(made).as("segments made by the preparer").hasValue(0);
        assertThat(QueueDirectory.open(root.resolve("q"), false).segments()).containsExactly(0L, 1L);
    }

    /** An appender past the middle of segment 0, with the preparer's making of segment 1 held until released. */
    private void startPreparing(IOException failure) throws Exception {
        QueueDirectory dir = QueueDirectory.open(root.resolve("q"), true);
        preparer = new SegmentPreparer(r -> new Thread(r, "test-queue-prepare"), (d, number, size, durable) -> {
            making.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (failure != null) {
                throw failure;
            }
            if (d.createSegment(number, size, durable)) {
                made.incrementAndGet();
            }
        });
        appender = new Appender(dir, SEGMENT, false, preparer.preparation(dir, SEGMENT, false, KEEP_ALL), clock);
        for (int i = 0; i < 40; i++) { // 40 records of 1 KiB cross the middle of a 64 KiB segment
            assertThat(appender.append(frame())).isZero();
        }
        assertThat(making.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("the preparer making segment 1")
                .isTrue();
    }

    private CompletableFuture<Long> appendUntilTheNextSegment() {
        CompletableFuture<Long> rolled = new CompletableFuture<>();
        sender = new Thread(() -> {
            try {
                long segment;
                do {
                    segment = appender.append(frame());
                } while (segment == 0);
                rolled.complete(segment);
            } catch (IOException | RuntimeException e) {
                rolled.completeExceptionally(e);
            }
        });
        sender.start();
        return rolled;
    }

    private static ByteBuf frame() {
        return Unpooled.wrappedBuffer(new byte[1000]);
    }
}
