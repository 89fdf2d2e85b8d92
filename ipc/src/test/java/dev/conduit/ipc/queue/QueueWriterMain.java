package dev.conduit.ipc.queue;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;

/**
 * A writer process for the queue tests: appends {@code count} messages ({@link QueueMessages}; -1: until killed) as
 * writer {@code id} to the queue at {@code args[0]}, printing {@code appending} once its first message is in the queue
 * (so a writer killed any time after that line has left at least one record) and {@code done <n>} at the end.
 * With a fifth argument {@code gate} it prints {@code ready} and waits for a line on stdin before it appends, so that
 * several writers can be started together.
 *
 * <p>Arguments: uri, writer id, count, largest message size[, gate].
 */
public final class QueueWriterMain {
    private QueueWriterMain() {}

    public static void main(String[] args) throws Exception {
        int id = Integer.parseInt(args[1]);
        long count = Long.parseLong(args[2]);
        int maxSize = Integer.parseInt(args[3]);
        try (Conduit conduit = Conduit.builder().name("writer" + id).build()) {
            Channel<byte[]> channel = conduit.connect(args[0], Codecs.bytes());
            if (args.length > 4 && args[4].equals("gate")) {
                System.out.println("ready");
                System.out.flush();
                new java.io.BufferedReader(
                                new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
                        .readLine();
            }
            long n = 0;
            if (count != 0) {
                channel.send(QueueMessages.message(id, n++, maxSize)).get();
            }
            System.out.println("appending");
            System.out.flush();
            while (count < 0 || n < count) {
                if (!channel.offer(QueueMessages.message(id, n, maxSize))) {
                    throw new IllegalStateException("the queue refused message " + n);
                }
                n++;
            }
            System.out.println("done " + n);
        }
    }
}
