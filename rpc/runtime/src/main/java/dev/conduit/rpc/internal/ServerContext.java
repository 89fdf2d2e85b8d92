package dev.conduit.rpc.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.ServerCallContext;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What handlers can see of a server call; also {@link ServerCallContext#current()}.
 *
 * <p>Most calls use none of the trailers, response headers and cancellation actions, so each is made on first use.
 * Handlers may ask for them from any thread, so each is made by a compare-and-set on a volatile field: all threads
 * get the same object, published safely.
 */
final class ServerContext implements ServerCallContext {
    private static final Logger log = LoggerFactory.getLogger(ServerContext.class);
    private static final VarHandle TRAILERS;
    private static final VarHandle RESPONSE_HEADERS;
    private static final VarHandle ON_CANCEL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TRAILERS = l.findVarHandle(ServerContext.class, "trailers", Metadata.class);
            RESPONSE_HEADERS = l.findVarHandle(ServerContext.class, "responseHeaders", Metadata.class);
            ON_CANCEL = l.findVarHandle(ServerContext.class, "onCancel", CopyOnWriteArrayList.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ServerCallImpl<?, ?> call;
    private final Metadata headers;
    private volatile @Nullable Metadata trailers;
    private volatile @Nullable Metadata responseHeaders;
    private volatile @Nullable CopyOnWriteArrayList<Runnable> onCancel;

    ServerContext(ServerCallImpl<?, ?> call, Metadata headers) {
        this.call = call;
        this.headers = headers;
    }

    /** The trailers added by handlers, sent with the status; null if no handler asked for them. */
    @Nullable
    Metadata trailersOrNull() {
        return trailers;
    }

    /** The response headers added by handlers, sent before the first response; null if no handler asked for them. */
    @Nullable
    Metadata outgoingHeadersOrNull() {
        return responseHeaders;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onCancel(Runnable action) {
        CopyOnWriteArrayList<Runnable> actions = onCancel;
        if (actions == null) {
            CopyOnWriteArrayList<Runnable> made = new CopyOnWriteArrayList<>();
            actions = (CopyOnWriteArrayList<Runnable>)
                    ON_CANCEL.compareAndExchange(this, (CopyOnWriteArrayList<Runnable>) null, made);
            if (actions == null) {
                actions = made;
            }
        }
        // Added before the check, and cancelled() reads the list after the call is marked cancelled: one of the two
        // sees the other, so the action runs whichever comes first.
        actions.add(action);
        if (call.isCancelled()) {
            cancelled();
        }
    }

    /** Runs every cancellation action not yet run; each runs once, on the calling thread. */
    void cancelled() {
        CopyOnWriteArrayList<Runnable> actions = onCancel;
        if (actions == null) {
            return;
        }
        for (Runnable r : actions) {
            if (actions.remove(r)) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.warn("a cancellation handler of {} threw", call.method().fullName(), e);
                }
            }
        }
    }

    @Override
    public MethodDescriptor<?, ?> method() {
        return call.method();
    }

    @Override
    public Metadata requestHeaders() {
        return headers;
    }

    @Override
    public Metadata responseTrailers() {
        Metadata m = trailers;
        return m != null ? m : made(TRAILERS);
    }

    @Override
    public Metadata responseHeaders() {
        Metadata m = responseHeaders;
        return m != null ? m : made(RESPONSE_HEADERS);
    }

    /** The metadata in {@code field}, made now if no thread has made it yet. */
    private Metadata made(VarHandle field) {
        Metadata made = new Metadata();
        Metadata raced = (Metadata) field.compareAndExchange(this, (Metadata) null, made);
        return raced != null ? raced : made;
    }

    @Override
    public void setResponseCompression(String encoding) {
        call.setResponseEncoding(encoding);
    }

    @Override
    public void setMessageCompression(boolean compress) {
        call.setMessageCompression(compress);
    }

    @Override
    public boolean isRequestCompressed() {
        return call.lastRequestCompressed();
    }

    @Override
    public @Nullable Duration timeRemaining() {
        return call.timeRemaining();
    }

    @Override
    public boolean isCancelled() {
        return call.isCancelled();
    }

    @Override
    public Endpoint remoteEndpoint() {
        return call.remoteEndpoint();
    }
}
