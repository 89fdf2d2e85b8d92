package dev.conduit.core.internal.inproc;

import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.LinkBinder;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/** A named inproc listener in the JVM-wide registry. */
final class InprocBinding implements Binding {
    private final Endpoint endpoint;
    private final LinkBinder binder;
    private final ConcurrentMap<String, InprocBinding> registry;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean open = true;

    InprocBinding(Endpoint endpoint, LinkBinder binder, ConcurrentMap<String, InprocBinding> registry) {
        this.endpoint = endpoint;
        this.binder = binder;
        this.registry = registry;
    }

    /** Binds the server side of a new connection; false if this listener is closed. */
    boolean accept(InprocLink serverSide) {
        lock.lock();
        try {
            if (!open) {
                return false;
            }
            serverSide.bind(binder.bind(serverSide));
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!open) {
                return;
            }
            open = false;
            registry.remove(endpoint.address(), this);
        } finally {
            lock.unlock();
        }
    }
}
