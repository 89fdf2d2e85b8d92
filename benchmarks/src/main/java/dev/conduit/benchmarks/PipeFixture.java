package dev.conduit.benchmarks;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.ipc.Pipes;

/**
 * The {@code pipe:} counterpart of {@link SocketEcho}: the echo and the sink are child JVMs ({@link PipePeerMain})
 * serving their stdin and stdout, spawned with the same options as the parent's side; {@code offer} on both ends.
 */
public final class PipeFixture implements AutoCloseable {
    private final Conduit conduit;
    private final Channel<byte[]> echoClient;
    private final Channel<byte[]> sinkClient;

    /** Spawns an echo child and a sink child, both on {@code options} (a {@code pipe:} endpoint). */
    public PipeFixture(String options) {
        conduit = Conduit.builder().name("bench").build();
        Endpoint endpoint = Endpoint.parse(options);
        echoClient = Pipes.spawn(conduit, child("echo", options), Codecs.bytes(), endpoint);
        sinkClient = Pipes.spawn(conduit, child("sink", options), Codecs.bytes(), endpoint);
    }

    private static ProcessBuilder child(String mode, String options) {
        return new ProcessBuilder(PeerJvm.command(PipePeerMain.class, mode, options))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
    }

    /** One round trip through the echo child. */
    public byte[] roundTrip(byte[] payload) throws InterruptedException {
        if (!echoClient.offer(payload)) {
            throw new IllegalStateException("sendLimit reached with one message in flight");
        }
        byte[] reply = echoClient.receive(SocketEcho.WAIT);
        if (reply == null || reply.length != payload.length) {
            throw new IllegalStateException("echo lost or damaged a message");
        }
        return reply;
    }

    /** Sends {@code count} messages to the sink child as fast as writability allows. */
    public void sendToSink(byte[] payload, int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            if (!sinkClient.isWritable() && !sinkClient.awaitWritable(SocketEcho.WAIT)) {
                throw new IllegalStateException("sink child not writable within " + SocketEcho.WAIT);
            }
            while (!sinkClient.offer(payload)) {
                sinkClient.awaitWritable(SocketEcho.WAIT);
            }
        }
    }

    /** Closes both channels; the children exit when their stdin closes. */
    @Override
    public void close() {
        conduit.close();
    }
}
