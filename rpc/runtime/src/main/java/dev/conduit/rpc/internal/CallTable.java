package dev.conduit.rpc.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The calls of one Conduit connection by id. Ids on a connection are handed out in sequence and a call lives briefly,
 * so a call almost always finds its slot ({@code id} modulo the slot count) free: then registering and removing it
 * is one compare-and-set each and looking it up one read, where a {@link ConcurrentHashMap} costs a boxed key, a
 * node and several atomic operations per call. A call whose slot is held by a longer-lived one goes to an overflow
 * map, made on first use.
 *
 * <p>Thread-safe: any thread registers and removes; the reading thread looks up. An id is registered at most once at
 * a time (the caller makes sure: clients hand out fresh ids, servers refuse an id in use). {@link #isEmpty} and
 * {@link #snapshot} read every slot with volatile reads, so a thread that sets a flag and then checks {@code isEmpty}
 * and a registering thread that registers and then checks the flag cannot both miss each other.
 */
final class CallTable {
    /** Slots: a power of two. More concurrent calls than this share the overflow map. */
    static final int SLOTS = 256;

    /** One registered call in its slot; immutable, so a racing reader sees it whole. */
    private record Entry(int id, CarriedCall call) {}

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Entry[].class);
    private static final VarHandle OVERFLOW;

    static {
        try {
            OVERFLOW = MethodHandles.lookup().findVarHandle(CallTable.class, "overflow", ConcurrentHashMap.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Entry[] slots = new Entry[SLOTS];
    private volatile @Nullable ConcurrentHashMap<Integer, CarriedCall> overflow;

    /** Registers {@code call} under {@code id}, which is not registered now. */
    void put(int id, CarriedCall call) {
        if (!SLOT.compareAndSet(slots, id & (SLOTS - 1), null, new Entry(id, call))) {
            overflow().put(id, call);
        }
    }

    /** The call registered under {@code id}, or null. */
    @Nullable
    CarriedCall get(int id) {
        Entry e = (Entry) SLOT.getAcquire(slots, id & (SLOTS - 1));
        if (e != null && e.id == id) {
            return e.call;
        }
        ConcurrentHashMap<Integer, CarriedCall> more = overflow;
        return more == null ? null : more.get(id);
    }

    /** Forgets {@code id}; nothing if it is not registered. */
    void remove(int id) {
        int i = id & (SLOTS - 1);
        Entry e = (Entry) SLOT.getAcquire(slots, i);
        if (e != null && e.id == id && SLOT.compareAndSet(slots, i, e, null)) {
            return;
        }
        ConcurrentHashMap<Integer, CarriedCall> more = overflow;
        if (more != null) {
            more.remove(id);
        }
    }

    /** Whether no call is registered. */
    boolean isEmpty() {
        for (int i = 0; i < SLOTS; i++) {
            if (SLOT.getVolatile(slots, i) != null) {
                return false;
            }
        }
        ConcurrentHashMap<Integer, CarriedCall> more = overflow;
        return more == null || more.isEmpty();
    }

    /** How many calls are registered; a moment's count, for statistics. */
    int size() {
        int n = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (SLOT.getVolatile(slots, i) != null) {
                n++;
            }
        }
        ConcurrentHashMap<Integer, CarriedCall> more = overflow;
        return more == null ? n : n + more.size();
    }

    /** The ids and calls registered now, for going over them while they may end. */
    List<Registered> snapshot() {
        List<Registered> all = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            Entry e = (Entry) SLOT.getVolatile(slots, i);
            if (e != null) {
                all.add(new Registered(e.id, e.call));
            }
        }
        ConcurrentHashMap<Integer, CarriedCall> more = overflow;
        if (more != null) {
            more.forEach((id, call) -> all.add(new Registered(id, call)));
        }
        return all;
    }

    /** A call and its id, as {@link #snapshot} found them. */
    record Registered(int id, CarriedCall call) {}

    @SuppressWarnings("unchecked")
    private ConcurrentHashMap<Integer, CarriedCall> overflow() {
        ConcurrentHashMap<Integer, CarriedCall> more = overflow;
        if (more == null) {
            OVERFLOW.compareAndSet(this, null, new ConcurrentHashMap<Integer, CarriedCall>());
            more = (ConcurrentHashMap<Integer, CarriedCall>) OVERFLOW.getVolatile(this);
        }
        return more;
    }
}
