package dev.conduit.rpc.internal;

import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.core.InstanceWatch;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The subchannels of one target URI: one per instance that {@link Conduit#watchInstances} lists for it. For most
 * transports that is the target itself, for good; behind a {@code nats://} subject it is every listening instance, so
 * that calls spread over all of them (round-robin, as over several targets) and follow them as they come and go.
 *
 * <p>Starts watching on the channel's first call (nothing connects before). A new instance gets a subchannel that
 * connects at once; one that leaves has its subchannel retired: no new calls, calls in flight finish.
 *
 * <p>Thread-safe. Updates come one at a time from the watch; the channel is called without this object's lock held.
 */
final class TargetInstances {
    private final ChannelCore owner;
    private final Conduit conduit;
    private final String name;
    private final Endpoint target;
    private final ReentrantLock lock = new ReentrantLock();
    private final SubchannelSet<Endpoint> current = new SubchannelSet<>();
    private @Nullable InstanceWatch watch;
    private boolean started;
    private boolean closed;

    /**
     * Makes the target's own subchannel, which serves until the watch says otherwise.
     *
     * @param name the target as the user wrote it, for messages
     * @param target the endpoint connected to: the user's, with the options RPC needs
     */
    TargetInstances(ChannelCore owner, Conduit conduit, String name, Endpoint target) {
        this.owner = owner;
        this.conduit = conduit;
        this.name = name;
        this.target = target;
        Subchannel own = subchannel(target);
        current.put(target, own);
        owner.addSubchannel(own);
    }

    /** Starts watching, once. */
    void start() {
        lock.lock();
        try {
            if (started || closed) {
                return;
            }
            started = true;
        } finally {
            lock.unlock();
        }
        InstanceWatch w = conduit.watchInstances(target, this::update);
        boolean close;
        lock.lock();
        try {
            watch = w;
            close = closed;
        } finally {
            lock.unlock();
        }
        if (close) {
            w.close();
        }
    }

    private void update(List<Endpoint> instances) {
        SubchannelSet.Change change;
        lock.lock();
        try {
            if (closed || owner.isShutdown()) {
                return;
            }
            change = current.update(instances, this::subchannel);
        } finally {
            lock.unlock();
        }
        change.apply(owner);
        // A new instance takes its share of the calls as soon as it is connected.
        change.added().forEach(Subchannel::requestConnection);
        owner.stateChanged();
    }

    /** Stops watching. */
    void close() {
        InstanceWatch w;
        lock.lock();
        try {
            closed = true;
            w = watch;
        } finally {
            lock.unlock();
        }
        if (w != null) {
            w.close();
        }
    }

    private Subchannel subchannel(Endpoint endpoint) {
        return owner.transportSubchannel(describe(endpoint), endpoint);
    }

    /** The user's URI, with what the watch added to tell the instance apart ({@code ?instance=...}). */
    private String describe(Endpoint instance) {
        StringBuilder extra = new StringBuilder();
        for (Map.Entry<String, String> o : instance.options().entrySet()) {
            if (!o.getValue().equals(target.options().get(o.getKey()))) {
                extra.append(extra.isEmpty() ? "" : "&")
                        .append(o.getKey())
                        .append('=')
                        .append(o.getValue());
            }
        }
        if (extra.isEmpty()) {
            return name;
        }
        // Only options that differ from the target's are added, so no secret of the target's is repeated; appended
        // as text, since name is already the printable (masked) form and parsing it again could only fail.
        return name + (name.contains("?") ? "&" : "?") + extra;
    }
}
