package dev.conduit.ipc.unix.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.testkit.ResourceCheck;
import dev.conduit.ipc.testing.TempDirs;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code idle=spin} on unix: busy-polling epoll loops serve both ends, and stop with the runtime. */
class UnixSpinTest {
    private Path dir;

    @BeforeEach
    void setUp() {
        dir = TempDirs.create();
    }

    @AfterEach
    void tearDown() {
        TempDirs.delete(dir);
    }

    @Test
    void roundTripsWorkOnBusyPollingLoopsWhichEndWithTheRuntime() throws Exception {
        String uri = "unix://" + dir.resolve("spin.sock") + "?idle=spin&io=epoll";
        Conduit conduit = Conduit.builder().name("unixspin").build();
        try {
            conduit.listen(uri, Codecs.bytes(), ch -> ch.onMessage(Channel::send, Runnable::run));
            Channel<byte[]> client = conduit.connect(uri, Codecs.bytes());
            for (long i = 0; i < 2_000; i++) {
                client.send(ByteBuffer.allocate(64).putLong(0, i).array());
                byte[] reply = client.receive(Duration.ofSeconds(10));
                assertThat(ByteBuffer.wrap(reply).getLong()).isEqualTo(i);
            }
            assertThat(ResourceCheck.threadsNamed("conduit-unixspin-io-epoll-spin-"))
                    .isNotEmpty();
        } finally {
            conduit.close();
        }
        assertThat(ResourceCheck.threadsNamed("conduit-unixspin-")).isEmpty();
    }
}
