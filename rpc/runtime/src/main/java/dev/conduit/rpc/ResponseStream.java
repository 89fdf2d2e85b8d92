package dev.conduit.rpc;

import dev.conduit.rpc.internal.BlockingReceiver;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The responses of a blocking server-streaming call, as an iterator. {@link #hasNext()} waits for the next response;
 * it throws an {@link RpcException} if the call fails. Only a few responses are buffered here: the server is paced by
 * flow control while the caller is slow.
 *
 * <p>Not thread-safe: iterate from one thread. {@link #close()} cancels the call if it has not ended, so use it in
 * try-with-resources when you may stop early.
 *
 * @param <Resp> the response type
 */
public final class ResponseStream<Resp> implements Iterator<Resp>, AutoCloseable {
    private final ClientCall<?, Resp> call;
    private final BlockingReceiver<Resp> receiver;
    private @Nullable Resp next;
    private boolean ended;

    ResponseStream(ClientCall<?, Resp> call, BlockingReceiver<Resp> receiver) {
        this.call = call;
        this.receiver = receiver;
    }

    /**
     * Whether there is another response; waits for it.
     *
     * @throws RpcException if the call failed
     */
    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (ended) {
            return false;
        }
        try {
            next = receiver.take(null);
        } catch (InterruptedException e) {
            call.cancel("the reading thread was interrupted", e);
            Thread.currentThread().interrupt();
            throw Status.CANCELLED
                    .withDescription("the reading thread was interrupted")
                    .withCause(e)
                    .asException();
        } catch (TimeoutException e) {
            throw new IllegalStateException(e);
        } catch (RpcException e) {
            ended = true;
            throw e;
        }
        ended = next == null;
        return next != null;
    }

    /** The next response; waits for it. */
    @Override
    public Resp next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the response stream has ended");
        }
        Resp r = next;
        next = null;
        return r;
    }

    /** Cancels the call if it has not ended. */
    @Override
    public void close() {
        if (!receiver.isDone()) {
            call.cancel("the response stream was closed by the client", null);
        }
    }
}
