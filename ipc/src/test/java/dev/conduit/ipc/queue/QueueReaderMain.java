package dev.conduit.ipc.queue;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * A reader process for the queue tests: reads the queue at {@code args[0]} (a URI with {@code reader=}) with a
 * handler that prints each message's writer and sequence ({@code <writer> <sequence>}) before it returns, so that a
 * line printed is a message that was being delivered, and exits after a message of sequence -1. The first line is
 * {@code reading}.
 */
public final class QueueReaderMain {
    private QueueReaderMain() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        CountDownLatch end = new CountDownLatch(1);
        try (Conduit conduit = Conduit.builder().name("reader").build()) {
            Channel<byte[]> channel = conduit.connect(args[0], Codecs.bytes());
            out.println("reading");
            out.flush();
            channel.onMessage(
                    (c, m) -> {
                        long sequence = QueueMessages.sequence(m);
                        out.println(QueueMessages.writer(m) + " " + sequence);
                        out.flush();
                        if (sequence < 0) {
                            end.countDown();
                        }
                    },
                    Channel.DIRECT);
            end.await();
        }
    }
}
