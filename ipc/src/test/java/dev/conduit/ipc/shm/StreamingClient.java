package dev.conduit.ipc.shm;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import java.nio.ByteBuffer;
import java.time.Duration;

/** A child-process client: connects to {@code args[0]}, prints {@code connected}, then streams until killed. */
public final class StreamingClient {
    private StreamingClient() {}

    public static void main(String[] args) throws Exception {
        try (Conduit conduit = Conduit.builder().name("child").build()) {
            Channel<byte[]> channel = conduit.connect(args[0], Codecs.bytes());
            System.out.println("connected");
            System.out.flush();
            for (long i = 0; ; i++) {
                if (!channel.isWritable()) {
                    channel.awaitWritable(Duration.ofSeconds(30));
                }
                byte[] m = new byte[64];
                ByteBuffer.wrap(m).putLong(i);
                channel.send(m);
            }
        }
    }
}
