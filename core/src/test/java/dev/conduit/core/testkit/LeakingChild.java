package dev.conduit.core.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/** A child JVM for {@link ChildLeaksTest}: with {@code leak}, drops a pooled buffer unreleased, then exits. */
public final class LeakingChild {
    private LeakingChild() {}

    public static void main(String[] args) {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        buffer.writeInt(42);
        if (!(args.length > 0 && args[0].equals("leak"))) {
            buffer.release();
        }
        System.out.println("done");
    }
}
