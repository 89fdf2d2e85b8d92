package dev.conduit.ipc.fifo.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.testkit.Peer;
import dev.conduit.ipc.testing.RelayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The conformance suite's peer for {@code fifo://}: a child JVM with the agent and one fifo listener per path of a
 * pool, each relaying its peer to the agent. A fifo listener serves one peer at a time, so {@link #uri()} hands out
 * the pool's paths in turn (the suite holds at most 64 channels at once; a path is reused once its peer has left).
 */
final class FifoPeer implements Peer {
    private static final int POOL = 80;
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final RelayProcess relay;
    private final List<String> uris;
    private final AtomicInteger turn = new AtomicInteger();

    private FifoPeer(RelayProcess relay, List<String> uris) {
        this.relay = relay;
        this.uris = uris;
    }

    /**
     * Starts the relay with its pool in a fresh directory under {@code dir}. Each fifo listener of the pool takes
     * {@code listenUri}'s options (its maxFrame, say), so that fifo itself enforces them.
     */
    static FifoPeer start(Path dir, String listenUri) throws Exception {
        Path pool = Files.createDirectory(dir.resolve("pool" + NEXT.incrementAndGet()));
        Endpoint asked = Endpoint.parse(listenUri);
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < POOL; i++) {
            uris.add(asked.withAddress(pool.resolve("p" + i).toString()).toString());
        }
        return new FifoPeer(RelayProcess.start("inproc://fifo-agent", uris), uris);
    }

    @Override
    public String uri() {
        return uris.get(Math.floorMod(turn.getAndIncrement(), uris.size()));
    }

    @Override
    public void kill() {
        relay.kill();
    }

    @Override
    public void close() {
        relay.close();
    }
}
