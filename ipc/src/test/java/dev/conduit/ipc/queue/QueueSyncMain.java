package dev.conduit.ipc.queue;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A writer for {@link QueueSyncTest}, run under {@code strace}: sends {@code count} messages to the queue at {@code
 * args[0]} one at a time, printing {@code sending <i>} before each send and {@code sent <i>} once it has completed,
 * then {@code waiting}, and exits when a line arrives on stdin (so that a {@code sync=batch} round can happen while it
 * still runs).
 *
 * <p>Arguments: uri, count.
 */
public final class QueueSyncMain {
    private QueueSyncMain() {}

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[1]);
        try (Conduit conduit = Conduit.builder().name("sync").build()) {
            Channel<String> channel = conduit.connect(args[0], Codecs.text());
            for (int i = 0; i < count; i++) {
                System.out.println("sending " + i);
                System.out.flush();
                channel.send("message " + i).get(30, TimeUnit.SECONDS);
                System.out.println("sent " + i);
                System.out.flush();
            }
            System.out.println("waiting");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
    }
}
