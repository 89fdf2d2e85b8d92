package dev.conduit.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LinkWriter}'s confirmations when a handler before the socket holds writes back (as TLS may), so that every
 * batch is confirmed by a marker written after it. Over a local channel on a real event loop, with a handler that
 * passes writes on only when the test says so.
 */
class LinkWriterTest {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    private final Holder holder = new Holder();
    private Channel server;
    private Channel client;
    private LinkWriter writer;

    /** Holds every write (frames and markers) until {@link #releaseNext} passes the oldest one on. */
    private static final class Holder extends ChannelOutboundHandlerAdapter {
        private final ArrayDeque<Object[]> held = new ArrayDeque<>();
        private final List<String> passed = new ArrayList<>();
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            held.add(new Object[] {msg, promise});
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            // held writes are flushed when they are passed on
        }

        /** Event loop: passes the oldest held write on, and flushes it; returns its label ("marker" or the byte). */
        String releaseNext() {
            Object[] w = held.poll();
            ByteBuf b = (ByteBuf) w[0];
            String label = b.isReadable() ? String.valueOf((char) b.getByte(b.readerIndex())) : "marker";
            passed.add(label);
            ctx.writeAndFlush(w[0], (ChannelPromise) w[1]);
            return label;
        }
    }

    @BeforeEach
    void connect() throws Exception {
        LocalAddress address = new LocalAddress(LinkWriterTest.class);
        server = new ServerBootstrap()
                .group(group)
                .channel(LocalServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);
                    }
                })
                .bind(address)
                .sync()
                .channel();
        client = new Bootstrap()
                .group(group)
                .channel(LocalChannel.class)
                .handler(holder)
                .connect(address)
                .sync()
                .channel();
        writer = new LinkWriter(client, false);
    }

    @AfterEach
    void close() throws Exception {
        client.eventLoop()
                .submit(() -> {
                    Object[] w;
                    while ((w = holder.held.poll()) != null) {
                        ReferenceCountUtil.release(w[0]);
                        ((ChannelPromise) w[1]).tryFailure(new IllegalStateException("test over"));
                    }
                })
                .get(5, TimeUnit.SECONDS);
        client.close().sync();
        server.close().sync();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    private static ByteBuf frame(char c) {
        return Unpooled.buffer(1).writeByte(c);
    }

    /** Runs {@code task} on the event loop and waits for it. */
    private void onLoop(Runnable task) throws Exception {
        client.eventLoop().submit(task).get(5, TimeUnit.SECONDS);
    }

    /**
     * A callback that writes again (a send chained on a completed send) while the writer completes a batch must not
     * make the next marker count callbacks of that batch: if it did, a later marker would complete a callback whose
     * frame is still held back.
     */
    @Test
    void aWriteFromACallbackDoesNotLetALaterMarkerConfirmAFrameStillHeldBack() throws Exception {
        List<String> completed = new ArrayList<>(); // event loop only
        // Three frames in one batch, confirmed by one marker: the event loop is kept busy while they are written.
        CountDownLatch queued = new CountDownLatch(1);
        client.eventLoop().execute(() -> {
            try {
                queued.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        writer.write(frame('a'), error -> {
            completed.add("a");
            writer.write(frame('g'), e -> completed.add("g")); // chained on a's completion
        });
        writer.write(frame('b'), error -> completed.add("b"));
        writer.write(frame('c'), error -> completed.add("c"));
        queued.countDown();
        onLoop(() -> {});
        assertThat(holder.held).as("a, b, c and one marker").hasSize(4);

        // The marker passes: a, b and c complete, and a's callback writes g.
        onLoop(() -> {
            for (int i = 0; i < 4; i++) {
                holder.releaseNext();
            }
        });
        onLoop(() -> {}); // a drain the callback scheduled, if any
        assertThat(completed).containsExactly("a", "b", "c");

        // h is written while g and its marker are still held.
        onLoop(() -> writer.write(frame('h'), error -> completed.add("h")));
        onLoop(() -> {});
        // Pass g and what confirms it, but not h.
        onLoop(() -> {
            String label;
            do {
                label = holder.releaseNext();
            } while (!label.equals("marker"));
        });
        assertThat(holder.passed).doesNotContain("h");
        assertThat(completed).as("h's frame is still held back").containsExactly("a", "b", "c", "g");

        onLoop(() -> {
            while (!holder.held.isEmpty()) {
                holder.releaseNext();
            }
        });
        assertThat(completed).containsExactly("a", "b", "c", "g", "h");
    }
}
