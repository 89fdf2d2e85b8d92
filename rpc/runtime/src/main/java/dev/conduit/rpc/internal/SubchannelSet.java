package dev.conduit.rpc.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The subchannels of a target whose endpoints change (instances behind a subject, a resolver's results), by key.
 * {@link #update} works out what to add and retire; the caller tells the channel, outside its own lock. Not
 * thread-safe: the caller guards it.
 */
final class SubchannelSet<K> {
    private final Map<K, Subchannel> current = new LinkedHashMap<>();

    /** What an update changed. */
    record Change(List<Subchannel> added, List<Subchannel> removed) {
        boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty();
        }

        /** Tells {@code owner}: new subchannels take calls, gone ones take no new call and finish theirs. */
        void apply(ChannelCore owner) {
            added.forEach(owner::addSubchannel);
            removed.forEach(owner::retireSubchannel);
        }
    }

    void put(K key, Subchannel sc) {
        current.put(key, sc);
    }

    /**
     * Makes the set {@code wanted}: retires the subchannels of keys no longer there, and makes one with {@code make}
     * for each new key (none, if {@code make} returns null for it).
     */
    Change update(List<K> wanted, Function<K, @Nullable Subchannel> make) {
        List<Subchannel> removed = new ArrayList<>();
        List<Subchannel> added = new ArrayList<>();
        for (Map.Entry<K, Subchannel> e : List.copyOf(current.entrySet())) {
            if (!wanted.contains(e.getKey())) {
                current.remove(e.getKey());
                removed.add(e.getValue());
            }
        }
        for (K key : wanted) {
            if (!current.containsKey(key)) {
                Subchannel sc = make.apply(key);
                if (sc != null) {
                    current.put(key, sc);
                    added.add(sc);
                }
            }
        }
        return new Change(added, removed);
    }
}
