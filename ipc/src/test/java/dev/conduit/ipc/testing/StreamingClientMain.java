package dev.conduit.ipc.testing;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import java.nio.ByteBuffer;
import java.time.Duration;

/** Connects to {@code args[0]}, prints {@code connected}, then streams numbered 1 KiB messages until killed. */
public final class StreamingClientMain {
    private StreamingClientMain() {}

    public static void main(String[] args) throws Exception {
        try (Conduit conduit = Conduit.builder().name("streamer").build()) {
            Channel<byte[]> ch = conduit.connect(args[0], Codecs.bytes());
            System.out.println("connected");
            System.out.flush();
            for (long i = 0; ; i++) {
                if (!ch.isWritable() && !ch.awaitWritable(Duration.ofSeconds(30))) {
                    return;
                }
                ch.send(ByteBuffer.allocate(1024).putLong(0, i).array());
            }
        }
    }
}
