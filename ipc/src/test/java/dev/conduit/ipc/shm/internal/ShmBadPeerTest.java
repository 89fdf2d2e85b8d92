package dev.conduit.ipc.shm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.FramingException;
import dev.conduit.core.Listener;
import dev.conduit.core.testkit.PoolMetrics;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that breaks the protocol, played by hand: corrupt records close only its channel with a protocol error that
 * says what was wrong, bad hellos are refused with a reason, and the listener keeps serving well-behaved clients.
 */
class ShmBadPeerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int RING = 4096;
    private static final int DATA = Segment.HEADER_LENGTH + RingDescriptor.META_LENGTH;

    private final Path dir;
    private final Conduit conduit = Conduit.builder().name("victim").build();
    private final Listener<byte[]> listener;
    private final String name;

    ShmBadPeerTest() throws IOException {
        dir = Files.createTempDirectory(Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : null, "bad-");
        listener = conduit.listen("shm://*?maxFrame=1m&dir=" + dir, Codecs.bytes());
        name = listener.endpoint().address();
    }

    @AfterEach
    void cleanUp() throws IOException {
        conduit.close();
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".seg")))
                    .as("segment files")
                    .isEmpty();
        }
        Files.deleteIfExists(dir);
    }

    /** A client that has done a correct handshake and then writes whatever the test wants into its ring. */
    private final class Rogue implements AutoCloseable {
        final SocketChannel socket;
        final Segment segment;
        final Channel<byte[]> accepted;

        Rogue() throws Exception {
            RawClient raw = RawClient.connect(dir, name, RING, false);
            socket = raw.socket();
            segment = raw.segment();
            assertThat(raw.answer().accepted()).isTrue();
            accepted = listener.accept(TIMEOUT);
            assertThat(accepted).isNotNull();
        }

        /** Writes a record header at the start of the client-to-server data, length last, and wakes the reader. */
        void record(int type, int length, int firstPayloadInt) throws IOException {
            ByteBuffer b = segment.buffer().duplicate().order(ByteOrder.nativeOrder());
            // A first fragment's length prefix is big-endian, like everything a handler reads.
            b.duplicate().order(ByteOrder.BIG_ENDIAN).putInt(DATA + RingDescriptor.HEADER_LENGTH, firstPayloadInt);
            b.putInt(DATA + RingDescriptor.TYPE_FIELD, type);
            RingDescriptor.INT.setRelease(b, DATA, length);
            socket.write(ByteBuffer.wrap(new byte[] {Handshake.WAKE}));
        }

        CloseReason reason() throws Exception {
            return accepted.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public void close() throws IOException {
            socket.close();
            segment.unmap();
        }
    }

    @Test
    void aRecordLengthShorterThanItsHeaderClosesTheChannelWithAProtocolError() throws Exception {
        try (Rogue rogue = new Rogue()) {
            rogue.record(RingDescriptor.WHOLE, 3, 0);
            CloseReason reason = rogue.reason();
            assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
            assertThat(reason.error()).isInstanceOf(FramingException.class).hasMessageContaining("record length 3");
        }
        assertStillServing();
    }

    @Test
    void aRecordRunningPastTheEndOfTheRingClosesTheChannel() throws Exception {
        try (Rogue rogue = new Rogue()) {
            rogue.record(RingDescriptor.WHOLE, RING + 64, 0);
            assertThat(rogue.reason().error())
                    .isInstanceOf(FramingException.class)
                    .hasMessageContaining("corrupt");
        }
        assertStillServing();
    }

    @Test
    void anUnknownRecordTypeClosesTheChannel() throws Exception {
        try (Rogue rogue = new Rogue()) {
            rogue.record(99, 16, 0);
            assertThat(rogue.reason().error())
                    .isInstanceOf(FramingException.class)
                    .hasMessageContaining("unknown record type 99");
        }
        assertStillServing();
    }

    @Test
    void aFragmentedMessageAnnouncingMoreThanMaxFrameIsRefusedBeforeAllocation() throws Exception {
        try (Rogue rogue = new Rogue()) {
            PoolMetrics before = PoolMetrics.of(conduit);
            rogue.record(RingDescriptor.FIRST, 64, 100 << 20);
            assertThat(rogue.reason().error())
                    .isInstanceOf(FrameTooLargeException.class)
                    .hasMessageContaining(String.valueOf(100 << 20))
                    .hasMessageContaining(String.valueOf(1 << 20));
            // The pool counts every allocation too big for a chunk: 100 MiB would be one, even if freed since.
            PoolMetrics after = PoolMetrics.of(conduit);
            assertThat(after.hugeAllocations())
                    .as("allocations beyond a %d-byte chunk", after.chunkSize())
                    .isEqualTo(before.hugeAllocations());
            assertThat(after.activeBytes() - before.activeBytes())
                    .as("pooled bytes taken for the refused message")
                    .isLessThan(1 << 20);
        }
        assertStillServing();
    }

    @Test
    void aFragmentWithoutAFirstOneClosesTheChannel() throws Exception {
        try (Rogue rogue = new Rogue()) {
            rogue.record(RingDescriptor.LAST, 16, 0);
            assertThat(rogue.reason().error())
                    .isInstanceOf(FramingException.class)
                    .hasMessageContaining("without a first");
        }
        assertStillServing();
    }

    @Test
    void garbageInsteadOfAHelloIsRefusedWithAReason() throws Exception {
        try (SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.connect(UnixDomainSocketAddress.of(ShmFiles.socketPath(dir, name)));
            socket.write(ByteBuffer.wrap(new byte[64]));
            Handshake.Answer answer = Handshake.readAnswer(socket);
            assertThat(answer.accepted()).isFalse();
            assertThat(answer.message()).contains("bad magic");
        }
        assertStillServing();
    }

    @Test
    void aSegmentOutsideTheDirectoryIsRefusedAndLeftAlone() throws Exception {
        Path elsewhere = Files.createTempFile("conduit-shm-x-1-1", ".seg");
        try (SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.connect(UnixDomainSocketAddress.of(ShmFiles.socketPath(dir, name)));
            Handshake.writeHello(socket, new Handshake.Hello(false, RING, RING, 1, elsewhere.toString()));
            Handshake.Answer answer = Handshake.readAnswer(socket);
            assertThat(answer.accepted()).isFalse();
            assertThat(answer.message()).contains("not a segment file in");
            assertThat(elsewhere).exists();
        } finally {
            Files.deleteIfExists(elsewhere);
        }
        assertStillServing();
    }

    @Test
    void aSegmentWithAValidHeaderAndGarbageRingsIsRefusedAsNotFreshAndUnmapped() throws Exception {
        Random random = new Random(14);
        RawClient raw = RawClient.connect(dir, name, RING, false, segment -> {
            ByteBuffer b = segment.buffer();
            for (int i = Segment.HEADER_LENGTH; i < b.capacity(); i++) {
                b.put(i, (byte) random.nextInt());
            }
        });
        raw.socket().close();
        raw.segment().unmap();
        assertThat(raw.answer().accepted()).isFalse();
        assertThat(raw.answer().message()).contains("is not a fresh segment: the client-to-server ring's tail is");
        assertThat(Files.readAllLines(Path.of("/proc/self/maps")))
                .as("the refused segment, unmapped by the listener at once")
                .noneMatch(line -> line.contains(dir.toString()));
        assertStillServing();
    }

    private void assertStillServing() throws Exception {
        try (Conduit other = Conduit.builder().name("good").build()) {
            Channel<byte[]> good = other.connect(listener.endpoint(), Codecs.bytes());
            Channel<byte[]> served = listener.accept(TIMEOUT);
            good.send(new byte[] {42});
            assertThat(served.receive(TIMEOUT)).containsExactly(42);
        }
    }
}
