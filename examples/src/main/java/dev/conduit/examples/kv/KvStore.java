package dev.conduit.examples.kv;

import com.google.protobuf.ByteString;
import dev.conduit.rpc.ServerResponseObserver;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The key-value store behind {@code conduit kv-server}: a sorted map with watchers. Thread-safe; the server runs
 * calls concurrently. A watcher that falls {@value #WATCH_BUFFER} changes behind is ended with
 * {@code RESOURCE_EXHAUSTED} rather than buffering without bound.
 */
public final class KvStore implements KvRpc.Service {
    static final int WATCH_BUFFER = 4096;

    private final ConcurrentSkipListMap<String, ByteString> data = new ConcurrentSkipListMap<>();
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();

    @Override
    public PutReply put(PutRequest request) {
        ByteString previous = data.put(request.getKey(), request.getValue());
        publish(Change.Kind.PUT, request.getKey(), request.getValue());
        return PutReply.newBuilder().setCreated(previous == null).build();
    }

    @Override
    public GetReply get(GetRequest request) throws Exception {
        ByteString value = data.get(request.getKey());
        if (value == null) {
            throw Status.NOT_FOUND.withDescription(request.getKey()).asException();
        }
        return GetReply.newBuilder().setValue(value).build();
    }

    @Override
    public DeleteReply delete(DeleteRequest request) throws Exception {
        if (data.remove(request.getKey()) == null) {
            throw Status.NOT_FOUND.withDescription(request.getKey()).asException();
        }
        publish(Change.Kind.DELETE, request.getKey(), ByteString.EMPTY);
        return DeleteReply.getDefaultInstance();
    }

    @Override
    public void scan(ScanRequest request, ServerResponseObserver<Entry> responses) {
        String prefix = request.getPrefix();
        for (Map.Entry<String, ByteString> e : data.tailMap(prefix).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            responses.onNext(
                    Entry.newBuilder().setKey(e.getKey()).setValue(e.getValue()).build());
        }
        responses.onCompleted();
    }

    @Override
    public void watch(WatchRequest request, ServerResponseObserver<Change> responses) {
        Watcher watcher = new Watcher(request.getPrefix());
        watchers.add(watcher);
        responses.setOnCancelHandler(watcher::stop);
        try {
            responses.onNext(Change.newBuilder().setKind(Change.Kind.STARTED).build());
            while (true) {
                Change change = watcher.changes.take();
                if (change == Watcher.STOP) {
                    break;
                }
                if (change == Watcher.OVERFLOW) {
                    responses.onError(Status.RESOURCE_EXHAUSTED
                            .withDescription("watcher fell " + WATCH_BUFFER + " changes behind")
                            .asException());
                    return;
                }
                responses.onNext(change);
            }
        } catch (InterruptedException e) {
            // the server is shutting down: the call ends as cancelled
            Thread.currentThread().interrupt();
        } finally {
            watchers.remove(watcher);
        }
    }

    @Override
    public StreamObserver<PutRequest> putMany(ServerResponseObserver<PutManyReply> responses) {
        return new StreamObserver<>() {
            private long count;

            @Override
            public void onNext(PutRequest request) {
                put(request);
                count++;
            }

            @Override
            public void onError(Throwable t) {
                // the client gave up: what was stored stays stored
            }

            @Override
            public void onCompleted() {
                responses.onNext(PutManyReply.newBuilder().setCount(count).build());
                responses.onCompleted();
            }
        };
    }

    /** The number of keys stored. */
    public int size() {
        return data.size();
    }

    private void publish(Change.Kind kind, String key, ByteString value) {
        Change change = null;
        for (Watcher w : watchers) {
            if (key.startsWith(w.prefix)) {
                if (change == null) {
                    change = Change.newBuilder()
                            .setKind(kind)
                            .setKey(key)
                            .setValue(value)
                            .build();
                }
                w.offer(change);
            }
        }
    }

    /** One watch call: a bounded queue between writers and the call's handler thread. */
    private static final class Watcher {
        static final Change STOP = Change.newBuilder().setKey("stop").build();
        static final Change OVERFLOW = Change.newBuilder().setKey("overflow").build();

        final String prefix;
        /** Room for the buffer plus the OVERFLOW and STOP markers, which are never refused. */
        final BlockingQueue<Change> changes = new ArrayBlockingQueue<>(WATCH_BUFFER + 2);

        private final ReentrantLock lock = new ReentrantLock();
        private boolean overflowed;

        Watcher(String prefix) {
            this.prefix = prefix;
        }

        void offer(Change change) {
            lock.lock();
            try {
                if (overflowed) {
                    return;
                }
                if (changes.size() >= WATCH_BUFFER) {
                    overflowed = true;
                    changes.add(OVERFLOW);
                } else {
                    changes.add(change);
                }
            } finally {
                lock.unlock();
            }
        }

        void stop() {
            lock.lock();
            try {
                changes.offer(STOP);
            } finally {
                lock.unlock();
            }
        }
    }
}
