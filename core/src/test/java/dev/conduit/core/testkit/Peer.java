package dev.conduit.core.testkit;

/**
 * A running {@link ConformanceAgent} that the suite's clients connect to: in this JVM ({@link #inProcess}) or in a
 * child JVM ({@link PeerProcess}).
 */
public interface Peer extends AutoCloseable {

    /**
     * The URI clients connect to. A peer backed by several listeners that each serve one client at a time (fifo) may
     * return a different URI on each call.
     */
    String uri();

    /** Ends the peer abruptly: SIGKILL for a process; for an in-process peer, closing its runtime. */
    void kill();

    /** Ends the peer in an orderly way. */
    @Override
    void close();

    /** An agent in this JVM, in a runtime of its own. */
    static Peer inProcess(String listenUri) {
        dev.conduit.core.Conduit runtime =
                dev.conduit.core.Conduit.builder().name("agent").build();
        ConformanceAgent agent;
        try {
            agent = ConformanceAgent.start(runtime, listenUri);
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        return new Peer() {
            @Override
            public String uri() {
                return agent.uri();
            }

            @Override
            public void kill() {
                runtime.close();
            }

            @Override
            public void close() {
                runtime.close();
            }
        };
    }
}
