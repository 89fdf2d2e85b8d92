package dev.conduit.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leak check catches a real leak; without this, a silent misconfiguration would pass every test. */
class LeakCheckExtensionTest {

    @Test
    void anUnreleasedBufferIsReported() {
        LeakCheckExtension.collect();
        leakOne();
        List<String> leaks = new ArrayList<>();
        // Collection and reference processing are asynchronous: poll until Netty reports, bounded by a timeout.
        await().atMost(Duration.ofSeconds(30)).until(() -> leaks.addAll(LeakCheckExtension.collect()));
        assertThat(leaks)
                .as("leaks reported")
                .anySatisfy(leak -> assertThat(leak).contains("LEAK").contains("ByteBuf"));
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        leaked.writeInt(1);
    }
}
