package dev.conduit.ipc.stream.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Framing;
import dev.conduit.core.spi.InboundBudget;
import dev.conduit.core.spi.LinkListener;
import dev.conduit.core.spi.StreamFramer;
import dev.conduit.core.testkit.ResourceCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A {@link StreamLink} over two in-JVM OS pipes, with the test as the peer: what the link reads and writes, and that
 * pausing it really stops reading, so the OS pipe fills and the peer's writes stop.
 */
class StreamLinkTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private TestContext context;
    private Pipe toLink;
    private Pipe fromLink;
    private final List<byte[]> frames = new CopyOnWriteArrayList<>();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private StreamLink link;

    @BeforeEach
    void setUp() throws IOException {
        context = new TestContext();
        toLink = Pipe.open();
        fromLink = Pipe.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (link != null) {
            link.close();
        }
        toLink.sink().close();
        fromLink.source().close();
        context.close();
    }

    private StreamLink start() {
        return start(false);
    }

    private StreamLink start(boolean paused) {
        StreamEnds ends = new StreamEnds() {
            private final ByteSource source = ByteSource.of(toLink.source());
            private final ByteSink sink = ByteSink.of(fromLink.sink());

            @Override
            public ByteSource source() {
                return source;
            }

            @Override
            public ByteSink sink() {
                return sink;
            }

            @Override
            public void abort() {
                try {
                    fromLink.sink().close();
                    toLink.source().close();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public @Nullable String awaitEnd() {
                return "the test's pipe ended";
            }

            @Override
            public void release() {}
        };
        link = new StreamLink(
                "test",
                ends,
                StreamFramer.of(Framing.LENGTH, 1 << 20),
                PooledByteBufAllocator.DEFAULT,
                Endpoint.parse("test:local"),
                Endpoint.parse("test:remote"),
                IpcThreads.of(context),
                InboundBudget.of(context).account(Endpoint.parse("test:local")));
        link.setReadPaused(paused);
        link.start(l -> new LinkListener() {
            @Override
            public void onFrame(ByteBuffer frame) {
                byte[] b = new byte[frame.remaining()];
                frame.get(b);
                frames.add(b);
            }

            @Override
            public void onClosed(CloseReason reason) {
                closed.complete(reason);
            }
        });
        return link;
    }

    private static ByteBuffer frame(int size, int seq) {
        ByteBuffer b = ByteBuffer.allocate(4 + size).putInt(size);
        b.putInt(seq);
        return b.position(4 + size).flip();
    }

    @Test
    void whilePausedTheLinkReadsNothingSoThePeersPipeFillsThenEverythingArrivesInOrder() throws Exception {
        // Paused from the start, so the reader never begins a read: a pause that comes while a read is blocked
        // lets that one read finish (a few frames of slack), which would make what is asserted here a race.
        start(true);
        Pipe.SinkChannel peer = toLink.sink();
        peer.configureBlocking(false);
        int sent = 0;
        ByteBuffer pending = frame(1000, sent);
        // With the link paused, the OS pipe buffer is all there is: a non-blocking writer soon gets nowhere.
        while (true) {
            peer.write(pending);
            if (pending.hasRemaining()) {
                break;
            }
            pending = frame(1000, ++sent);
        }
        assertThat(sent).as("frames the OS pipe took").isGreaterThan(8).isLessThan(1 << 20);
        assertThat(peer.write(pending)).as("the pipe stays full while paused").isZero();
        assertThat(frames).as("frames delivered while paused").isEmpty();

        link.setReadPaused(false);
        peer.configureBlocking(true);
        while (pending.hasRemaining()) {
            peer.write(pending);
        }
        int total = sent + 1;
        await().atMost(WAIT).until(() -> frames.size() == total);
        for (int i = 0; i < total; i++) {
            assertThat(ByteBuffer.wrap(frames.get(i)).getInt()).isEqualTo(i);
        }
        link.close();
        assertThat(closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(CloseReason.LOCAL);
    }

    @Test
    void framesFromManyWritesAreWrittenInOrderAndTheThreadsEndWhenThePeerDoes() throws Exception {
        start();
        int count = 5000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < count; i++) {
            ByteBuf payload = PooledByteBufAllocator.DEFAULT.buffer(4 + 8);
            payload.writerIndex(4).readerIndex(4);
            payload.writeLong(i);
            link.write(payload, e -> failure.compareAndSet(null, e));
        }
        ByteBuffer in = ByteBuffer.allocate(count * 12);
        while (in.hasRemaining()) {
            fromLink.source().read(in);
        }
        in.flip();
        for (long i = 0; i < count; i++) {
            assertThat(in.getInt()).isEqualTo(8);
            assertThat(in.getLong()).isEqualTo(i);
        }
        assertThat(failure.get()).isNull();
        toLink.sink().close();
        CloseReason reason = closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason).isEqualTo(CloseReason.peer("the test's pipe ended"));
        await().atMost(WAIT)
                .until(() ->
                        ResourceCheck.threadsNamed("conduit-linktest-test-").isEmpty());
    }

    @Test
    void writesAfterCloseFailWithTheCloseReasonAndTheBufferIsReleased() throws Exception {
        start();
        link.close();
        assertThat(closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(CloseReason.LOCAL);
        ByteBuf payload =
                PooledByteBufAllocator.DEFAULT.buffer(16).writerIndex(8).readerIndex(4);
        CompletableFuture<Throwable> result = new CompletableFuture<>();
        link.write(payload, result::complete);
        assertThat(result.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ChannelClosedException.class)
                .hasMessageContaining("locally");
        assertThat(payload.refCnt()).isZero();
    }
}
