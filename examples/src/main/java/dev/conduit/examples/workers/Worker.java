package dev.conduit.examples.workers;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.ipc.Pipes;

/**
 * A worker process: serves its parent over its own stdin and stdout ({@link Pipes#stdio}). Each request is {@code
 * <id> <n>}; the answer is {@code <id> <primes below n> <pid>}. It exits when its parent closes the channel (or dies).
 *
 * <p>Anything printed to {@code System.out} here lands on stderr once the channel is open, so a stray print cannot
 * corrupt the stream.
 */
public final class Worker {
    private Worker() {}

    /** Counts the primes below {@code n}: deliberately CPU-bound work, worth a process of its own. */
    public static long primesBelow(long n) {
        if (n < 3) {
            return 0;
        }
        boolean[] composite = new boolean[(int) n];
        long count = 0;
        for (int i = 2; i < n; i++) {
            if (!composite[i]) {
                count++;
                for (long j = (long) i * i; j < n; j += i) {
                    composite[(int) j] = true;
                }
            }
        }
        return count;
    }

    public static void main(String[] args) throws Exception {
        long pid = ProcessHandle.current().pid();
        try (Conduit conduit = Conduit.builder().name("worker").build()) {
            Channel<String> parent = Pipes.stdio(conduit, Codecs.text());
            parent.onMessage((ch, request) -> {
                String[] w = request.split(" ");
                ch.send(w[0] + " " + primesBelow(Long.parseLong(w[1])) + " " + pid);
            });
            parent.closeFuture().get();
        }
    }
}
