package dev.conduit.benchmarks;

import dev.conduit.core.Channel;
import dev.conduit.core.Codec;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConduitException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * An echo listener and a sink listener on a socket URI, with a client of each, in one runtime. Like a hand-written
 * Netty server, both handle messages on the I/O thread ({@code onMessage(handler, Channel.DIRECT)}), and the echo
 * replies with {@link Channel#offer}: the configuration that lets Conduit be compared with plain Netty.
 */
final class SocketEcho implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    private final Conduit conduit;
    final Channel<byte[]> echoClient;
    final Channel<byte[]> sinkClient;
    /** Messages the sink has received. */
    final AtomicLong sunk = new AtomicLong();

    /** Listens on {@code listenUri} twice; {@code codecs} gives one codec per channel (four in all). */
    SocketEcho(String listenUri, Supplier<Codec<byte[]>> codecs) {
        this(listenUri, listenUri, codecs);
    }

    /** Listens on {@code echoUri} and {@code sinkUri}: two paths for transports that name files (unix, fifo). */
    SocketEcho(String echoUri, String sinkUri, Supplier<Codec<byte[]>> codecs) {
        conduit = Conduit.builder().name("bench").build();
        var echo = conduit.listen(echoUri, codecs.get(), ch -> ch.onMessage(SocketEcho::echo, Channel.DIRECT));
        var sink = conduit.listen(
                sinkUri, codecs.get(), ch -> ch.onMessage((c, m) -> sunk.incrementAndGet(), Channel.DIRECT));
        echoClient = conduit.connect(echo.endpoint(), codecs.get());
        sinkClient = conduit.connect(sink.endpoint(), codecs.get());
    }

    private static void echo(Channel<byte[]> channel, byte[] message) {
        // On the I/O thread nothing may block; the benchmark keeps one message in flight, so this cannot fill up.
        if (!channel.offer(message)) {
            throw new ConduitException("echo: sendLimit reached with one message in flight");
        }
    }

    /** One request-reply: offer, then wait for the echo. */
    byte[] roundTrip(byte[] payload) throws InterruptedException {
        if (!echoClient.offer(payload)) {
            throw new IllegalStateException("sendLimit reached with one message in flight");
        }
        byte[] reply = echoClient.receive(WAIT);
        if (reply == null || reply.length != payload.length) {
            throw new IllegalStateException("echo lost or damaged a message");
        }
        return reply;
    }

    /** Sends {@code count} messages to the sink as fast as writability allows. */
    void sendToSink(byte[] payload, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            if (!sinkClient.isWritable() && !sinkClient.awaitWritable(WAIT)) {
                throw new IllegalStateException("sink client not writable within " + WAIT);
            }
            while (!sinkClient.offer(payload)) {
                sinkClient.awaitWritable(WAIT);
            }
        }
    }

    @Override
    public void close() {
        conduit.close();
    }
}
