package dev.conduit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Over inproc, a codec that makes copies ({@link Codec#copyFor}) has its messages passed as copies, not encoded: in
 * order with everything else, through a paused receiver's queue, and never to a channel whose codec is of another
 * class (which gets bytes, as over any transport). A failing copy fails its send as a failing encode does.
 */
class CopyingCodecTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A mutable message: a copy must not be the sender's object. */
    static final class Box {
        final int[] value;

        Box(int value) {
            this.value = new int[] {value};
        }

        int get() {
            return value[0];
        }
    }

    /** Boxes as four bytes; copies made without them, counted. */
    static class BoxCodec implements Codec<Box> {
        final AtomicInteger copies = new AtomicInteger();
        final AtomicInteger encodes = new AtomicInteger();
        volatile boolean failCopies;

        @Override
        public void encode(Box message, WriteBuffer out) {
            encodes.incrementAndGet();
            out.writeInt(message.get());
        }

        @Override
        public Box decode(ByteBuffer in) {
            return new Box(in.getInt());
        }

        @Override
        public @Nullable Box copyFor(Codec<Box> receiver, Box message) {
            if (failCopies) {
                throw new IllegalStateException("copy refused");
            }
            copies.incrementAndGet();
            return new Box(message.get());
        }

        @Override
        public int sizeHint(Box message) {
            return 4;
        }
    }

    /** The same wire format, a codec of another class that makes no copies. */
    static final class PlainBoxCodec extends BoxCodec {
        @Override
        public @Nullable Box copyFor(Codec<Box> receiver, Box message) {
            return null;
        }
    }

    private final Conduit conduit = Conduit.builder().name("copies").build();

    @AfterEach
    void stop() {
        conduit.close();
    }

    /** Both ends of one inproc connection. */
    private record Ends(Channel<Box> client, Channel<Box> server) {}

    /** A client over inproc with {@code clientCodec} and the server's end of it. */
    private Ends pair(String listenUri, Codec<Box> serverCodec, Codec<Box> clientCodec) throws InterruptedException {
        Listener<Box> listener = conduit.listen(listenUri, serverCodec);
        Channel<Box> client = conduit.connect(listener.endpoint(), clientCodec);
        Channel<Box> server = listener.accept(WAIT);
        assertThat(server).isNotNull();
        return new Ends(client, server);
    }

    @Test
    void messagesPassAsCopiesInOrderBothWaysWithoutBeingEncoded() throws Exception {
        BoxCodec serverCodec = new BoxCodec();
        BoxCodec clientCodec = new BoxCodec();
        Ends ends = pair("inproc://*", serverCodec, clientCodec);
        Channel<Box> client = ends.client();
        Channel<Box> server = ends.server();

        List<Box> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Box b = new Box(i);
            sent.add(b);
            client.send(b).join();
        }
        for (int i = 0; i < 100; i++) {
            Box got = server.receive(WAIT);
            assertThat(got).isNotNull();
            assertThat(got.get()).isEqualTo(i);
            assertThat(got).as("a copy, not the sender's object").isNotSameAs(sent.get(i));
        }
        server.send(new Box(-1)).join();
        assertThat(client.receive(WAIT).get()).isEqualTo(-1);
        assertThat(clientCodec.copies).hasValue(100);
        assertThat(serverCodec.copies).hasValue(1);
        assertThat(clientCodec.encodes).hasValue(0);
        assertThat(serverCodec.encodes).hasValue(0);
    }

    @Test
    void aPausedReceiverQueuesCopiesAndGetsThemInOrderWhenItReadsAgain() throws Exception {
        // A receive buffer of a few messages: the server's channel stops reading, and the rest wait in the link.
        BoxCodec clientCodec = new BoxCodec();
        Ends ends = pair("inproc://*?receiveBuffer=64", new BoxCodec(), clientCodec);
        Channel<Box> client = ends.client();
        Channel<Box> server = ends.server();
        for (int i = 0; i < 50; i++) {
            assertThat(client.offer(new Box(i))).isTrue();
        }
        assertThat(client.pendingBytes())
                .as("copies queued behind the paused reader")
                .isPositive();
        for (int i = 0; i < 50; i++) {
            assertThat(server.receive(WAIT).get()).isEqualTo(i);
        }
        assertThat(clientCodec.copies).hasValue(50);
    }

    @Test
    void aPeerWithACodecOfAnotherClassGetsBytes() throws Exception {
        PlainBoxCodec serverCodec = new PlainBoxCodec();
        BoxCodec clientCodec = new BoxCodec();
        Ends ends = pair("inproc://*", serverCodec, clientCodec);
        Channel<Box> client = ends.client();
        Channel<Box> server = ends.server();
        client.send(new Box(7)).join();
        assertThat(server.receive(WAIT).get()).isEqualTo(7);
        assertThat(clientCodec.copies).hasValue(0);
        assertThat(clientCodec.encodes).hasValue(1);
    }

    @Test
    void aFailingCopyFailsTheSendAndLeavesTheChannelOpen() throws Exception {
        BoxCodec clientCodec = new BoxCodec();
        Ends ends = pair("inproc://*", new BoxCodec(), clientCodec);
        Channel<Box> client = ends.client();
        Channel<Box> server = ends.server();
        clientCodec.failCopies = true;
        assertThatThrownBy(() -> client.send(new Box(1)).join())
                .hasCauseInstanceOf(CodecException.class)
                .hasMessageContaining("copy refused");
        assertThatThrownBy(() -> client.offer(new Box(2)))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("copy refused");
        clientCodec.failCopies = false;
        client.send(new Box(3)).join();
        assertThat(server.receive(WAIT).get()).isEqualTo(3);
        assertThat(client.isOpen()).isTrue();
    }
}
