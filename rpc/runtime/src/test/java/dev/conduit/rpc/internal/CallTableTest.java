package dev.conduit.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.rpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A connection's calls by id: the slot fast path, the overflow for ids whose slot is taken, and racing threads. */
class CallTableTest {
    private final ExecutorService threads = Executors.newFixedThreadPool(3);

    @AfterEach
    void stop() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aCallIsFoundByItsIdAndGoneOnceRemoved() {
        CallTable table = new CallTable();
        Call a = new Call();
        table.put(7, a);
        assertThat(table.get(7)).isSameAs(a);
        assertThat(table.get(7 + CallTable.SLOTS)).as("same slot, other id").isNull();
        assertThat(table.isEmpty()).isFalse();
        assertThat(table.size()).isEqualTo(1);
        table.remove(7);
        assertThat(table.get(7)).isNull();
        assertThat(table.isEmpty()).isTrue();
        assertThat(table.size()).isZero();
    }

    @Test
    void idsSharingASlotAreKeptApartAndEachRemovesOnlyItself() {
        CallTable table = new CallTable();
        int first = 3;
        int second = 3 + CallTable.SLOTS;
        int third = 3 + 2 * CallTable.SLOTS;
        Call a = new Call();
        Call b = new Call();
        Call c = new Call();
        table.put(first, a);
        table.put(second, b);
        table.put(third, c);
        assertThat(table.get(first)).isSameAs(a);
        assertThat(table.get(second)).isSameAs(b);
        assertThat(table.get(third)).isSameAs(c);
        assertThat(table.size()).isEqualTo(3);

        table.remove(second); // in the overflow: the slot's call stays
        assertThat(table.get(first)).isSameAs(a);
        assertThat(table.get(second)).isNull();
        table.remove(first); // the slot frees; the overflow's call is still found
        assertThat(table.get(first)).isNull();
        assertThat(table.get(third)).isSameAs(c);
        assertThat(table.isEmpty()).isFalse();
        table.remove(third);
        assertThat(table.isEmpty()).isTrue();
    }

    @Test
    void removingAnIdThatIsNotThereChangesNothing() {
        CallTable table = new CallTable();
        Call a = new Call();
        table.put(1, a);
        table.remove(1 + CallTable.SLOTS);
        table.remove(2);
        assertThat(table.get(1)).isSameAs(a);
    }

    @Test
    void aSnapshotHasEveryCallWithItsId() {
        CallTable table = new CallTable();
        List<Integer> ids = List.of(1, 2, 1 + CallTable.SLOTS, -5, Integer.MAX_VALUE);
        List<Call> calls = new ArrayList<>();
        for (int id : ids) {
            Call c = new Call();
            calls.add(c);
            table.put(id, c);
        }
        List<CallTable.Registered> seen = table.snapshot();
        assertThat(seen).hasSize(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            assertThat(seen).contains(new CallTable.Registered(ids.get(i), calls.get(i)));
            assertThat(table.get(ids.get(i))).isSameAs(calls.get(i));
        }
    }

    /**
     * Callers register and remove calls under fresh ids (as a client does) while a reader looks up ids that are live:
     * each lookup finds exactly the call registered under that id, never a neighbour sharing its slot, including
     * when several thousand calls live at once and most go to the overflow.
     */
    @Test
    void racingRegistrationsAndLookupsFindTheirOwnCall() throws Exception {
        CallTable table = new CallTable();
        AtomicInteger nextId = new AtomicInteger(1);
        AtomicBoolean wrong = new AtomicBoolean();
        int perThread = 20_000;
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int held = t == 0 ? 3 * CallTable.SLOTS : 1; // one thread keeps many calls live: slots overflow
            running.add(threads.submit(() -> {
                int[] live = new int[held];
                Call[] liveCalls = new Call[held];
                for (int i = 0; i < perThread; i++) {
                    int k = i % held;
                    if (liveCalls[k] != null) {
                        if (table.get(live[k]) != liveCalls[k]) {
                            wrong.set(true);
                        }
                        table.remove(live[k]);
                        if (table.get(live[k]) != null) {
                            wrong.set(true);
                        }
                    }
                    int id = nextId.getAndIncrement();
                    Call c = new Call();
                    table.put(id, c);
                    live[k] = id;
                    liveCalls[k] = c;
                    if (table.get(id) != c) {
                        wrong.set(true);
                    }
                }
                for (int k = 0; k < held; k++) {
                    table.remove(live[k]);
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertThat(wrong)
                .as("a lookup found another id's call, or a removed one")
                .isFalse();
        assertThat(table.isEmpty()).isTrue();
        assertThat(table.size()).isZero();
    }

    private static final class Call implements CarriedCall {
        @Override
        public void onFrame(Frame frame) {}

        @Override
        public void grant(long credit) {}

        @Override
        public void abort(Status status, boolean tellPeer) {}

        @Override
        public void sendFailed(Frame frame, Status status) {}
    }
}
