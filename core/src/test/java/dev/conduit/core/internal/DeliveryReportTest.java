package dev.conduit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Framing;
import dev.conduit.core.Idle;
import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.WriteCallback;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Link#delivered()} is called once per message that reached the application (a handler returned, or {@code
 * receive} returned it), never for one that did not; a link with a {@link Link#receiveRefusal()} makes receiving fail
 * at once with its explanation.
 */
class DeliveryReportTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final ExecutorService handlers = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        handlers.shutdownNow();
    }

    @Test
    void receiveReportsEachMessageItReturnsAndNothingOnATimeout() throws Exception {
        FakeLink link = new FakeLink(true, null);
        DefaultChannel<String> channel = channel(link);
        channel.onFrame(text("one"));
        channel.onFrame(text("two"));
        assertThat(channel.receive(WAIT)).isEqualTo("one");
        assertThat(link.delivered.get()).isEqualTo(1);
        assertThat(channel.receive(WAIT)).isEqualTo("two");
        assertThat(link.delivered.get()).isEqualTo(2);
        assertThat(channel.receive(Duration.ofMillis(10))).isNull();
        assertThat(link.delivered.get()).isEqualTo(2);
    }

    @Test
    void aHandlerThatReturnsReportsItsMessageAndOneThatThrowsDoesNot() {
        FakeLink link = new FakeLink(true, null);
        DefaultChannel<String> channel = channel(link);
        List<String> seen = new CopyOnWriteArrayList<>();
        channel.onMessage((c, m) -> {
            seen.add(m);
            if (m.equals("poison")) {
                throw new IllegalStateException("handler failed");
            }
        });
        channel.onFrame(text("fine"));
        await().atMost(WAIT).until(() -> link.delivered.get() == 1);
        channel.onFrame(text("poison"));
        await().atMost(WAIT).until(() -> !channel.isOpen());
        assertThat(seen).containsExactly("fine", "poison");
        assertThat(link.delivered.get()).as("reports after a throwing handler").isEqualTo(1);
    }

    @Test
    void aDirectHandlerReportsOnTheTransportsThread() {
        FakeLink link = new FakeLink(true, null);
        DefaultChannel<String> channel = channel(link);
        AtomicInteger reportedBeforeHandlerReturned = new AtomicInteger(-1);
        channel.onMessage((c, m) -> reportedBeforeHandlerReturned.set(link.delivered.get()), Channel.DIRECT);
        channel.onFrame(text("now"));
        assertThat(reportedBeforeHandlerReturned.get())
                .as("reports seen inside the handler")
                .isZero();
        assertThat(link.delivered.get()).as("reports once onFrame returned").isEqualTo(1);
    }

    @Test
    void messagesDroppedByALocalCloseAreNotReported() throws Exception {
        FakeLink link = new FakeLink(true, null);
        DefaultChannel<String> channel = channel(link);
        channel.onFrame(text("kept"));
        channel.onFrame(text("dropped"));
        assertThat(channel.receive(WAIT)).isEqualTo("kept");
        channel.close();
        assertThat(link.delivered.get()).isEqualTo(1);
    }

    @Test
    void aLinkThatDoesNotAskForReportsGetsNone() throws Exception {
        FakeLink link = new FakeLink(false, null);
        DefaultChannel<String> channel = channel(link);
        channel.onFrame(text("one"));
        assertThat(channel.receive(WAIT)).isEqualTo("one");
        assertThat(link.delivered.get()).isZero();
    }

    @Test
    void aLinkThatCannotReceiveMakesReceiveAndOnMessageFailWithItsExplanation() {
        FakeLink link = new FakeLink(false, "this channel only appends; add ?reader=NAME to read");
        DefaultChannel<String> channel = channel(link);
        assertThatThrownBy(() -> channel.receive(Duration.ofDays(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("this channel only appends; add ?reader=NAME to read");
        assertThatThrownBy(() -> channel.onMessage((c, m) -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("this channel only appends; add ?reader=NAME to read");
    }

    private DefaultChannel<String> channel(FakeLink link) {
        RuntimeSupport runtime = new RuntimeSupport() {
            @Override
            public ByteBufAllocator allocator() {
                return UnpooledByteBufAllocator.DEFAULT;
            }

            @Override
            public java.util.concurrent.Executor handlerExecutor() {
                return handlers;
            }

            @Override
            public void sweepLargeSparesSoon() {}

            @Override
            public void channelClosed(DefaultChannel<?> channel) {}
        };
        ChannelSettings settings = ChannelSettings.of(Endpoint.parse("fake://x"), Idle.BLOCK, Framing.NONE);
        DefaultChannel<String> channel = new DefaultChannel<>(runtime, Codecs.text(), settings);
        channel.attach(link);
        return channel;
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A link that only counts reports; frames come from the test through the channel's {@code onFrame}. */
    private static final class FakeLink implements Link {
        final AtomicInteger delivered = new AtomicInteger();
        private final boolean reports;
        private final @Nullable String refusal;

        FakeLink(boolean reports, @Nullable String refusal) {
            this.reports = reports;
            this.refusal = refusal;
        }

        @Override
        public Endpoint localEndpoint() {
            return Endpoint.parse("fake://local");
        }

        @Override
        public Endpoint remoteEndpoint() {
            return Endpoint.parse("fake://remote");
        }

        @Override
        public void write(ByteBuf frame, WriteCallback callback) {
            frame.release();
            callback.writeComplete(null);
        }

        @Override
        public boolean reportsDelivery() {
            return reports;
        }

        @Override
        public void delivered() {
            delivered.incrementAndGet();
        }

        @Override
        public @Nullable String receiveRefusal() {
            return refusal;
        }

        @Override
        public void setReadPaused(boolean paused) {}

        @Override
        public void close() {}
    }
}
