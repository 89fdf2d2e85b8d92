package dev.conduit.ipc.pipe.internal;

import dev.conduit.core.ChannelOptions;
import dev.conduit.core.Endpoint;
import dev.conduit.core.testkit.Peer;
import dev.conduit.core.testkit.PeerProcess;
import dev.conduit.ipc.PipeOptions;
import dev.conduit.ipc.testing.ChildJvm;
import dev.conduit.ipc.testing.RelayMain;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The conformance suite's peer for {@code pipe:}: every connect spawns a child JVM that serves the channel on its own
 * stdin and stdout ({@code listen pipe:}) and relays it to one shared {@link dev.conduit.core.testkit.ConformanceAgent}
 * in another child JVM, over unix. The suite's checks that span channels (gates, close reasons by tag) see one agent;
 * the limits under test apply at the child's {@code pipe:} end, which reports a close on error to the agent.
 *
 * <p>{@link #kill()} SIGKILLs the pipe children of this peer (found by a marker in their command line) and the agent.
 */
final class PipePeer implements Peer {
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final PeerProcess agent;
    private final String marker;
    private final String uri;

    private PipePeer(PeerProcess agent, String marker, String uri) {
        this.agent = agent;
        this.marker = marker;
        this.uri = uri;
    }

    /**
     * Starts the agent on a socket in {@code dir}. {@code listenUri} (its maxFrame, say) is what each child listens
     * on, so the child's own {@code pipe:} channel enforces it.
     */
    static PipePeer start(Path dir, String listenUri) {
        Endpoint asked = Endpoint.parse(listenUri);
        Endpoint hub = Endpoint.of(
                "unix", dir.resolve("hub" + NEXT.incrementAndGet() + ".sock").toString());
        PeerProcess agent = PeerProcess.start(hub.toString());
        String marker = "conduit.pipepeer=" + ProcessHandle.current().pid() + "-" + NEXT.incrementAndGet();
        String cmd = ChildJvm.commandLine(
                List.of("-D" + marker), RelayMain.class, "--hub", agent.uri(), "--front", asked.toString());
        String uri = asked.without(ChannelOptions.MAX_FRAME)
                .with(PipeOptions.CMD, cmd)
                .toString();
        return new PipePeer(agent, marker, uri);
    }

    @Override
    public String uri() {
        return uri;
    }

    private List<ProcessHandle> children() {
        return ProcessHandle.current()
                .descendants()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .toList();
    }

    @Override
    public void kill() {
        children().forEach(ProcessHandle::destroyForcibly);
        agent.kill();
    }

    @Override
    public void close() {
        agent.close();
        // Each child ends when its channel closes; the suite closes its channels first. Stragglers are killed.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        for (ProcessHandle p : children()) {
            try {
                p.onExit()
                        .get(
                                Math.max(
                                        1,
                                        Duration.between(Instant.now(), deadline)
                                                .toMillis()),
                                TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }
}
