package dev.conduit.ipc.shm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that says goodbye and closes while a wake-up of the listener's is still unread in its control socket: the
 * kernel resets the connection instead of ending the stream, after the goodbye has arrived. That is an orderly close
 * (it happens to honest clients whenever a send of the listener's races their close), not a dead peer.
 */
class ShmGoodbyeResetTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int RING = 4096;

    private final Path dir;
    private final Conduit conduit = Conduit.builder().name("byereset").build();
    private final CompletableFuture<Channel<byte[]>> served = new CompletableFuture<>();
    private final CountDownLatch inHandler = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final Listener<byte[]> listener;

    ShmGoodbyeResetTest() throws Exception {
        dir = Files.createTempDirectory(Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : null, "bye-");
        // The handler runs on the poller's thread and holds it, so that the goodbye and the reset wait together.
        listener = conduit.listen("shm://*?dir=" + dir, Codecs.bytes(), ch -> {
            ch.onMessage(
                    (c, m) -> {
                        inHandler.countDown();
                        awaitRelease();
                    },
                    Runnable::run);
            served.complete(ch);
        });
    }

    private void awaitRelease() {
        try {
            release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        release.countDown();
        conduit.close();
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".seg")))
                    .as("segment files")
                    .isEmpty();
        }
        Files.deleteIfExists(dir);
    }

    @Test
    void aGoodbyeFollowedByAResetForAnUnreadWakeUpClosesTheServedChannelAsAPeerClose() throws Exception {
        RawClient raw = RawClient.connect(dir, listener.endpoint().address(), RING, true);
        try {
            assertThat(raw.answer().accepted()).isTrue();
            Channel<byte[]> channel = served.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            // Our reader says it sleeps, so the listener's send also writes a wake-up to our control socket.
            assertThat(raw.segment().reader(true).park()).isTrue();
            channel.send(new byte[] {7}).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            raw.socket().configureBlocking(false);
            try (Selector selector = Selector.open()) {
                raw.socket().register(selector, SelectionKey.OP_READ);
                assertThat(selector.select(TIMEOUT.toMillis()))
                        .as("the listener's wake-up, waiting unread")
                        .isEqualTo(1);
            }
            // A message of ours holds the listener's poller in the handler while we say goodbye and close.
            assertThat(raw.segment().writer(true).writeWhole(Unpooled.wrappedBuffer(new byte[] {1})))
                    .isTrue();
            raw.socket().write(ByteBuffer.wrap(new byte[] {Handshake.WAKE}));
            assertThat(inHandler.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            raw.socket().write(ByteBuffer.wrap(new byte[] {Handshake.BYE}));
            raw.socket().close(); // the wake-up unread: the listener will read the goodbye, then a reset
            release.countDown();

            CloseReason reason = channel.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(reason.kind())
                    .as("close of the served channel: %s", reason)
                    .isEqualTo(CloseReason.Kind.PEER);
        } finally {
            raw.socket().close();
            raw.segment().unmap();
        }
    }
}
