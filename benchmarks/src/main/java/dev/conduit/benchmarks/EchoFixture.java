package dev.conduit.benchmarks;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A runtime with an echo listener and a sink listener on one URI pattern, and clients for both: the setup every
 * messaging benchmark shares, whatever the transport.
 */
public final class EchoFixture implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    private final Conduit conduit;
    private final Listener<byte[]> echo;
    private final Listener<byte[]> sink;
    /** Messages the sink has received. */
    public final AtomicLong sunk = new AtomicLong();
    /** A client of the echo listener. */
    public final Channel<byte[]> echoClient;
    /** A client of the sink listener. */
    public final Channel<byte[]> sinkClient;

    /** Listens on {@code echoUri} and {@code sinkUri} and connects a client to each. */
    public EchoFixture(String echoUri, String sinkUri) {
        this(echoUri, sinkUri, Conduit.builder().name("bench"));
    }

    /** Like {@link #EchoFixture(String, String)}, on a runtime {@code runtime} builds (a metrics hook, say). */
    public EchoFixture(String echoUri, String sinkUri, Conduit.Builder runtime) {
        conduit = runtime.build();
        echo = conduit.listen(
                echoUri,
                Codecs.bytes(),
                ch -> ch.onMessage((c, m) -> {
                    if (!c.isWritable()) {
                        c.awaitWritable(WAIT);
                    }
                    c.send(m);
                }));
        sink = conduit.listen(sinkUri, Codecs.bytes(), ch -> ch.onMessage((c, m) -> sunk.incrementAndGet()));
        echoClient = conduit.connect(echo.endpoint(), Codecs.bytes());
        sinkClient = conduit.connect(sink.endpoint(), Codecs.bytes());
    }

    /** One round trip on the echo client. */
    public byte[] roundTrip(byte[] payload) throws InterruptedException {
        echoClient.send(payload);
        byte[] reply = echoClient.receive(WAIT);
        if (reply == null || reply.length != payload.length) {
            throw new IllegalStateException("echo lost or damaged a message");
        }
        return reply;
    }

    /** Sends {@code count} messages to the sink, waiting for writability as a well-behaved producer does. */
    public void sendToSink(byte[] payload, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            if (!sinkClient.isWritable() && !sinkClient.awaitWritable(WAIT)) {
                throw new IllegalStateException("sink client not writable within " + WAIT);
            }
            sinkClient.send(payload);
        }
    }

    @Override
    public void close() {
        conduit.close();
    }
}
