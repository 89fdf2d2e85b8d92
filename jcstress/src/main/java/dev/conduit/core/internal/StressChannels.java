package dev.conduit.core.internal;

import dev.conduit.core.Codecs;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Framing;
import dev.conduit.core.Idle;
import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.WriteCallback;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

/**
 * A {@link DefaultChannel} of text over a link that does nothing, driven by hand: a JCStress actor calls {@code
 * onFrame} as the transport's thread would, and the runtime runs handlers on the calling thread. Nothing is sent.
 */
final class StressChannels {
    private static final Endpoint LOCAL = Endpoint.parse("inproc://jcstress-local");
    private static final Endpoint REMOTE = Endpoint.parse("inproc://jcstress-remote");
    private static final ChannelSettings SETTINGS =
            new ChannelSettings(1 << 20, 64 << 10, 32 << 10, 1 << 20, 1 << 20, Idle.BLOCK, Framing.NONE);
    private static final Field QUEUE;

    static {
        try {
            QUEUE = DefaultChannel.class.getDeclaredField("queue");
            QUEUE.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final RuntimeSupport RUNTIME = new RuntimeSupport() {
        @Override
        public ByteBufAllocator allocator() {
            return ByteBufAllocator.DEFAULT;
        }

        @Override
        public Executor handlerExecutor() {
            return Runnable::run;
        }

        @Override
        public void sweepLargeSparesSoon() {}

        @Override
        public void channelClosed(DefaultChannel<?> channel) {}
    };

    private static final class QuietLink implements Link {
        @Override
        public Endpoint localEndpoint() {
            return LOCAL;
        }

        @Override
        public Endpoint remoteEndpoint() {
            return REMOTE;
        }

        @Override
        public void write(ByteBuf frame, WriteCallback callback) {
            frame.release();
            throw new UnsupportedOperationException("the stress tests send nothing");
        }

        @Override
        public void setReadPaused(boolean paused) {}

        @Override
        public void close() {}
    }

    private StressChannels() {}

    /** A channel in pull mode (no handler yet), attached to a link that does nothing. */
    static DefaultChannel<String> open() {
        return new DefaultChannel<>(RUNTIME, Codecs.text(), SETTINGS).attach(new QuietLink());
    }

    /** A frame holding {@code text}, as a transport would pass it to {@code onFrame}. */
    static ByteBuffer frame(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether a message is still in the channel's hand-off slot. */
    static boolean slotFilled(DefaultChannel<?> channel) {
        try {
            return ((InboundQueue<?>) QUEUE.get(channel)).handoff.get() != null;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read the channel's queue: " + e, e);
        }
    }
}
