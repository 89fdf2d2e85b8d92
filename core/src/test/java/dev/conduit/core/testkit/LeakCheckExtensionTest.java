package dev.conduit.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The leak check catches a real leak; without this, a silent misconfiguration would pass every test. */
class LeakCheckExtensionTest {

    @Test
    void anUnreleasedBufferIsReported() {
        LeakCheckExtension.collect();
        leakOne();
        assertThat(LeakCheckExtension.collect())
                .as("leaks reported")
                .anySatisfy(leak -> assertThat(leak).contains("LEAK").contains("ByteBuf"));
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        leaked.writeInt(1);
    }
}
