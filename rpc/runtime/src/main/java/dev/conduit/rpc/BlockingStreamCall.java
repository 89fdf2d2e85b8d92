package dev.conduit.rpc;

import dev.conduit.rpc.internal.BlockingReceiver;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A client-streaming or bidirectional call in blocking style, for a thread (a virtual thread on JDK 21+) that sends
 * and receives in turn, or for two threads, one sending and one receiving:
 *
 * <pre>{@code
 * try (BlockingStreamCall<Chunk, Summary> call = ClientCalls.blockingStream(channel, UPLOAD, CallOptions.DEFAULT)) {
 *     for (Chunk c : chunks) {
 *         call.send(c);          // waits while the server grants no credit
 *     }
 *     call.halfClose();
 *     Summary s = call.receive();
 * }
 * }</pre>
 *
 * <p>{@link #send} and {@link #halfClose} may be called from one thread while another calls {@link #receive}; each
 * of the two sides is not thread-safe on its own. {@link #close()} cancels the call if it has not ended.
 *
 * @param <Req> the request type
 * @param <Resp> the response type
 */
public final class BlockingStreamCall<Req, Resp> implements AutoCloseable {
    private final ClientCall<Req, Resp> call;
    private final BlockingReceiver<Resp> receiver;

    BlockingStreamCall(ClientCall<Req, Resp> call, BlockingReceiver<Resp> receiver) {
        this.call = call;
        this.receiver = receiver;
    }

    /**
     * Sends a request, waiting while the server grants no flow-control credit.
     *
     * @throws RpcException if the call has failed
     */
    public void send(Req request) {
        call.sendMessage(request);
    }

    /** Tells the server that no more requests follow. */
    public void halfClose() {
        call.halfClose();
    }

    /**
     * Waits for the next response.
     *
     * @return the response, or {@code null} when the server has completed the call successfully
     * @throws RpcException if the call failed
     */
    public @Nullable Resp receive() {
        try {
            return receiver.take(null);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /**
     * Like {@link #receive()}, waiting at most {@code timeout}.
     *
     * @throws TimeoutException if no response or end arrived in time (the call goes on)
     */
    public @Nullable Resp receive(Duration timeout) throws TimeoutException {
        try {
            return receiver.take(timeout);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    private RpcException interrupted(InterruptedException e) {
        call.cancel("the receiving thread was interrupted", e);
        Thread.currentThread().interrupt();
        return Status.CANCELLED
                .withDescription("the receiving thread was interrupted")
                .withCause(e)
                .asException();
    }

    /** Cancels the call; the server's handler is told. */
    public void cancel(String message) {
        call.cancel(message, null);
    }

    /** Cancels the call if it has not ended. */
    @Override
    public void close() {
        if (!receiver.isDone()) {
            call.cancel("the call was closed by the client", null);
        }
    }
}
