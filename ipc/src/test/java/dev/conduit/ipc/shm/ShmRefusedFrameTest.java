package dev.conduit.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Channel;
import dev.conduit.core.ChannelOptions;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A frame over the receiver's {@code maxFrame}: the sender learns why its channel closed, over the control socket. */
class ShmRefusedFrameTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final ShmTestDirectory dir = new ShmTestDirectory();
    private final Conduit receiving = Conduit.builder().name("refusing").build();
    private final Conduit sending = Conduit.builder().name("sending").build();

    @AfterEach
    void cleanUp() throws Exception {
        sending.close();
        receiving.close();
        assertThat(dir.files("*")).as("files left").isEmpty();
        dir.close();
    }

    /** 2000 bytes: whole in a 64k ring; in fragments in a 4k one (whose records hold at most an eighth of it). */
    @ParameterizedTest
    @ValueSource(strings = {"64k", "4k"})
    void theSendersCloseReasonSaysThePeerRefusedTheFrameAndWhy(String ringSize) throws Exception {
        Listener<byte[]> listener =
                receiving.listen("shm://*?" + dir.dirOption() + "&maxFrame=1k&ringSize=" + ringSize, Codecs.bytes());
        Channel<byte[]> sender =
                sending.connect(listener.endpoint().with(ChannelOptions.MAX_FRAME, 1 << 20), Codecs.bytes());
        Channel<byte[]> receiver = listener.accept(TIMEOUT);
        receiver.onMessage((ch, m) -> {});

        sender.send(new byte[2000]);

        CloseReason seen = sender.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(seen.kind()).isEqualTo(CloseReason.Kind.PEER);
        assertThat(seen.detail())
                .isEqualTo("the peer refused what this side sent: frame of 2000 bytes exceeds the limit of 1024 bytes"
                        + " (maxFrame=1024)");
        assertThat(receiver.closeFuture()
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                        .kind())
                .isEqualTo(CloseReason.Kind.ERROR);
    }

    @Test
    void anOrderlyCloseIsStillAPlainPeerClose() throws Exception {
        Listener<byte[]> listener = receiving.listen("shm://*?" + dir.dirOption(), Codecs.bytes());
        Channel<byte[]> sender = sending.connect(listener.endpoint(), Codecs.bytes());
        listener.accept(TIMEOUT).close();
        assertThat(sender.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(CloseReason.PEER);
    }
}
