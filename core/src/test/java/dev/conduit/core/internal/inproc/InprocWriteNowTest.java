package dev.conduit.core.internal.inproc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.CloseReason;
import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.LinkListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The inproc link's {@code writeNow}: a frame goes straight to the peer's listener on the writing thread when nothing
 * waits there, and is refused (for {@code write} to queue) whenever delivering it now would overtake or break what the
 * peer's delivery promises: order, pause, one delivery at a time, close.
 */
class InprocWriteNowTest {
    private final Recorder serverListener = new Recorder();
    private final Recorder clientListener = new Recorder();
    private final InprocLink client = new InprocLink(
            Endpoint.parse("inproc://client"), Endpoint.parse("inproc://server"), ByteBufAllocator.DEFAULT);
    private final InprocLink server = new InprocLink(
            Endpoint.parse("inproc://server"), Endpoint.parse("inproc://client"), ByteBufAllocator.DEFAULT);
    private final List<ByteBuf> buffers = new ArrayList<>();

    InprocWriteNowTest() {
        client.connect(server);
        server.bind(serverListener);
        client.bind(clientListener);
    }

    @AfterEach
    void close() {
        client.close();
        server.close();
        for (ByteBuf b : buffers) {
            assertThat(b.refCnt())
                    .as("writeNow leaves the buffer to its caller")
                    .isEqualTo(1);
            b.release();
        }
    }

    @Test
    void aFrameIsDeliveredOnTheWritingThreadAndTheCallerKeepsItsBuffer() {
        assertThat(client.writeNow(frame("one"))).isTrue();
        assertThat(serverListener.frames).containsExactly("one");
        assertThat(serverListener.threads).containsExactly(Thread.currentThread());
    }

    @Test
    void aPausedPeerRefusesItAndGetsItInOrderThroughWriteOnceResumed() {
        server.setReadPaused(true);
        assertThat(client.writeNow(frame("one"))).isFalse();
        client.write(Unpooled.copiedBuffer("one", StandardCharsets.UTF_8), e -> {});
        assertThat(client.writeNow(frame("two")))
                .as("one is still queued: two may not overtake it")
                .isFalse();
        client.write(Unpooled.copiedBuffer("two", StandardCharsets.UTF_8), e -> {});
        server.setReadPaused(false);
        assertThat(serverListener.frames).containsExactly("one", "two");
        assertThat(client.writeNow(frame("three"))).isTrue();
        assertThat(serverListener.frames).containsExactly("one", "two", "three");
    }

    @Test
    void whileTheListenerRunsAnotherWriteIsQueuedAndDeliveredAfterIt() {
        // The listener writes to itself through the peer while it handles a frame: no second delivery may start
        // inside the first, so that write is refused and the queued one follows once the first returns.
        serverListener.onEach = text -> {
            if (text.equals("outer")) {
                assertThat(client.writeNow(frame("inner"))).isFalse();
                client.write(Unpooled.copiedBuffer("queued", StandardCharsets.UTF_8), e -> {});
                serverListener.frames.add("outer end");
            }
        };
        assertThat(client.writeNow(frame("outer"))).isTrue();
        assertThat(serverListener.frames).containsExactly("outer", "outer end", "queued");
    }

    @Test
    void aClosedLinkRefusesAndThePeerHearsTheCloseOnce() throws Exception {
        client.close();
        assertThat(client.writeNow(frame("late"))).isFalse();
        CompletableFuture<@Nullable Throwable> failed = new CompletableFuture<>();
        client.write(Unpooled.copiedBuffer("late", StandardCharsets.UTF_8), failed::complete);
        assertThat(failed.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(serverListener.frames).isEmpty();
        assertThat(serverListener.closes).containsExactly(CloseReason.PEER);
    }

    private ByteBuf frame(String text) {
        ByteBuf b = Unpooled.directBuffer().writeBytes(text.getBytes(StandardCharsets.UTF_8));
        buffers.add(b);
        return b;
    }

    private static final class Recorder implements LinkListener {
        final List<String> frames = Collections.synchronizedList(new ArrayList<>());
        final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
        final List<CloseReason> closes = Collections.synchronizedList(new ArrayList<>());
        java.util.function.Consumer<String> onEach = text -> {};

        @Override
        public void onFrame(ByteBuffer frame) {
            String text = StandardCharsets.UTF_8.decode(frame).toString();
            frames.add(text);
            threads.add(Thread.currentThread());
            onEach.accept(text);
        }

        @Override
        public void onClosed(CloseReason reason) {
            closes.add(reason);
        }
    }
}
