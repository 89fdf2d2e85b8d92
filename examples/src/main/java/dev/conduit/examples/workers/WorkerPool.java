package dev.conduit.examples.workers;

import dev.conduit.core.Channel;
import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConduitException;
import dev.conduit.core.MessageHandler;
import dev.conduit.ipc.Pipes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pool of worker processes behind {@code pipe:} channels. {@link #submit} sends each request to the worker with the
 * fewest requests outstanding, so a slow worker gets less; the answer completes the request's future. Closing the pool
 * closes every channel, which closes each worker's stdin: the workers exit, and any that does not is ended.
 *
 * <pre>{@code
 * try (WorkerPool pool = WorkerPool.start(conduit, 4)) {
 *     long primes = pool.submit(1_000_000).get().primes();
 * }
 * }</pre>
 *
 * <p>Thread-safe: submit from any number of threads.
 */
public final class WorkerPool implements AutoCloseable {
    /** A worker's answer, with the worker that computed it. */
    public record Answer(long primes, long workerPid) {}

    private final List<Slot> workers;
    private final AtomicLong ids = new AtomicLong();

    /** One worker: its channel, and the requests it has not answered yet. */
    private static final class Slot {
        final Channel<String> channel;
        final long pid;
        final Map<Long, CompletableFuture<Answer>> pending = new ConcurrentHashMap<>();
        final AtomicInteger outstanding = new AtomicInteger();

        Slot(Channel<String> channel) {
            this.channel = channel;
            this.pid = channel.property(Pipes.PROCESS).orElseThrow().pid();
        }
    }

    private WorkerPool(List<Slot> workers) {
        this.workers = workers;
    }

    /** Spawns {@code size} workers ({@link Worker}, in JVMs with this JVM's classpath) in {@code conduit}. */
    public static WorkerPool start(Conduit conduit, int size) {
        List<Slot> slots = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                Slot slot = new Slot(Pipes.spawn(conduit, workerCommand(), Codecs.text()));
                slot.channel.onMessage(new MessageHandler<>() {
                    @Override
                    public void onMessage(Channel<String> ch, String answer) {
                        String[] w = answer.split(" ");
                        CompletableFuture<Answer> f = slot.pending.remove(Long.parseLong(w[0]));
                        slot.outstanding.decrementAndGet();
                        if (f != null) {
                            f.complete(new Answer(Long.parseLong(w[1]), Long.parseLong(w[2])));
                        }
                    }

                    @Override
                    public void onClose(Channel<String> ch, dev.conduit.core.CloseReason reason) {
                        // A worker that dies fails what it still owed; the others carry on.
                        slot.pending.values().forEach(f -> f.completeExceptionally(new ChannelClosedException(reason)));
                        slot.pending.clear();
                    }
                });
                slots.add(slot);
            }
        } catch (RuntimeException e) {
            slots.forEach(s -> s.channel.close());
            throw e;
        }
        return new WorkerPool(List.copyOf(slots));
    }

    private static ProcessBuilder workerCommand() {
        return new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:+DisplayVMOutputToStderr",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Worker.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
    }

    /** Counts the primes below {@code n} on the least busy worker. */
    public CompletableFuture<Answer> submit(long n) {
        Slot best = null;
        for (Slot s : workers) {
            if (s.channel.isOpen() && (best == null || s.outstanding.get() < best.outstanding.get())) {
                best = s;
            }
        }
        if (best == null) {
            return CompletableFuture.failedFuture(new ConduitException("no worker is alive"));
        }
        long id = ids.incrementAndGet();
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        best.pending.put(id, answer);
        best.outstanding.incrementAndGet();
        Slot chosen = best;
        best.channel.send(id + " " + n).whenComplete((v, e) -> {
            if (e != null && chosen.pending.remove(id) != null) {
                chosen.outstanding.decrementAndGet();
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    /** The workers' process ids. */
    public List<Long> pids() {
        return workers.stream().map(s -> s.pid).toList();
    }

    /** Closes every worker's channel; the workers exit (or are ended after the pipe's exit timeout). */
    @Override
    public void close() {
        workers.forEach(s -> s.channel.close());
        for (Slot s : workers) {
            s.channel
                    .closeFuture()
                    .orTimeout(30, TimeUnit.SECONDS)
                    .exceptionally(e -> null)
                    .join();
        }
    }

    /**
     * {@code WorkerPool [workers] [requests]}: spreads {@code requests} prime counts over {@code workers} processes
     * and prints how many each worker answered.
     */
    public static void main(String[] args) throws Exception {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        try (Conduit conduit = Conduit.create();
                WorkerPool pool = WorkerPool.start(conduit, size)) {
            long t0 = System.nanoTime();
            List<CompletableFuture<Answer>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                answers.add(pool.submit(200_000 + 1_000L * i));
            }
            Map<Long, Integer> perWorker = new ConcurrentHashMap<>();
            for (CompletableFuture<Answer> f : answers) {
                perWorker.merge(f.get(60, TimeUnit.SECONDS).workerPid(), 1, Integer::sum);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            System.out.println(requests + " requests over " + size + " workers in " + took.toMillis() + " ms");
            perWorker.forEach((pid, n) -> System.out.println("  worker " + pid + ": " + n + " answers"));
        }
    }
}
