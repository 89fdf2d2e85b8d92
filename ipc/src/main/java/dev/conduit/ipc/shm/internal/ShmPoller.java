package dev.conduit.ipc.shm.internal;

import dev.conduit.core.CloseReason;
import dev.conduit.core.Idle;
import dev.conduit.ipc.internal.PollerLinks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that serves every shm link of one runtime and idle strategy: it flushes waiting writes, reads inbound
 * rings and watches the control sockets. One thread for many links keeps a busy-spinning runtime to one core.
 *
 * <p>How it waits when there is nothing to do is the {@link Idle} strategy: {@code spin} never sleeps; {@code backoff}
 * spins for {@value #SPIN_MICROS} µs, yields for {@value #YIELD_MICROS} µs more, then parks; {@code block} parks at
 * once. To park, it flags every inbound ring parked, checks once more for records, and sleeps in {@link
 * Selector#select} on the control sockets, where a peer's wake-up byte, a peer's death (end of stream) or a local
 * task ({@link #execute}) rouses it.
 *
 * <p>Links are added, removed and closed on this thread only, through {@link #execute}. Closing the poller closes
 * the links it still serves and ends the thread.
 *
 * <p>Nothing a link does takes the poller down. A link whose poll throws is closed with the error. A fault on a
 * segment's memory (its peer truncated the file: {@link MemoryFaults}) closes the links whose files were truncated,
 * whichever link's code the JVM happened to throw it in; so that it is thrown in poller code and not in core's code
 * for another link, the poller makes the JVM deliver pending faults ({@link #beforeCodeOf}) before it runs code for
 * one link after touching the memory of another. A {@link VirtualMachineError} ends the thread, and a fresh one
 * takes over the same links.
 */
final class ShmPoller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShmPoller.class);
    static final long SPIN_MICROS = 5;
    static final long YIELD_MICROS = 245;
    /** A parked poller looks around this often even without a wake-up, as a safety net. */
    private static final long PARK_MILLIS = 1000;
    /**
     * Rounds between looks at the control sockets while busy or spinning, so a dead peer is noticed in time, and at
     * inbound rings that receivers claimed ({@link ShmInbound}).
     */
    private static final int CONTROL_CHECK_MASK = 4095;

    private final Idle idle;
    private final Selector selector;
    private final ThreadFactory threads;
    /** The thread serving now: a fresh one replaces a thread that died. */
    private volatile Thread thread;

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Set after a task is added, cleared by the poller before it runs them: one volatile read per round. */
    private volatile boolean tasksAdded;
    /** Set when a receiver gave back its claim on an inbound ring: the next round is a sweep. Padded: read per round. */
    private final PaddedFlag sweepAsked = new PaddedFlag();

    private final Consumer<SelectionKey> onSelected = k -> ((ShmLink) k.attachment()).onControlReadable();
    private ShmLink[] links = new ShmLink[0];
    private volatile boolean running = true;
    private volatile boolean terminated;

    /* Poller thread: whose segment memory was touched since faults were last delivered; see beforeCodeOf. */
    private @Nullable ShmLink toucher;
    /** Whether more than one link's memory was touched since faults were last delivered. */
    private boolean touchedSeveral;

    ShmPoller(Idle idle, ThreadFactory threads) {
        this.idle = idle;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for shm control sockets", e);
        }
        this.threads = threads;
        this.thread = threads.newThread(this::run);
        thread.start();
    }

    /** Whether this poller ever sleeps, so that peers must send it wake-ups. */
    boolean mayPark() {
        return idle != Idle.SPIN;
    }

    /** Starts serving {@code link}. */
    void register(ShmLink link) {
        execute(() -> {
            links = PollerLinks.with(links, link);
            try {
                link.registered(selector);
            } catch (IOException | RuntimeException e) {
                link.closeNow(CloseReason.error(e));
            }
        });
    }

    /** Stops serving {@code link}; poller thread. */
    void deregister(ShmLink link) {
        links = PollerLinks.without(links, link);
    }

    /** Runs {@code task} on the poller thread, or here if the poller has ended. */
    void execute(Runnable task) {
        tasks.add(task);
        tasksAdded = true;
        if (terminated) {
            runTasks();
        } else {
            selector.wakeup();
        }
    }

    /**
     * Makes the next round look at the inbound rings that receivers claimed, after a receiver gave its claim back.
     * A parked poller needs no wake-up: parking took every claim back.
     */
    void sweepSoon() {
        sweepAsked.setRelease(1);
    }

    /** Rouses the poller if it is parked, for example because a paused link resumed reading. */
    void wakeup() {
        selector.wakeup();
    }

    /**
     * The poller is about to touch {@code link}'s segment memory; poller thread. Cheap: two fields, written only when
     * they change.
     */
    void touching(ShmLink link) {
        ShmLink t = toucher;
        if (t == null) {
            toucher = link;
        } else if (t != link && !touchedSeveral) {
            touchedSeveral = true;
        }
    }

    /**
     * The poller is about to run code on behalf of {@code link} (core's {@code onFrame}, write callbacks, a close):
     * if it touched another link's memory since, a fault pending from that memory is thrown here first, in the
     * poller's own code, instead of in the middle of {@code link}'s. Only then costs anything (about 50 ns); a
     * poller with one busy link never pays it. Poller thread.
     *
     * @throws InternalError a pending memory fault
     */
    void beforeCodeOf(ShmLink link) {
        ShmLink t = toucher;
        if (t != null && (touchedSeveral || t != link)) {
            toucher = null;
            touchedSeveral = false;
            MemoryFaults.deliverPending();
        }
        toucher = link;
    }

    private void run() {
        try {
            serve();
        } catch (Throwable t) {
            if (running) {
                log.error("the shm poller thread {} failed; a new thread takes over its links", thread.getName(), t);
                Thread next = threads.newThread(this::run);
                thread = next;
                next.start();
                return;
            }
            log.error("the shm poller failed while closing", t);
        }
        shutdown();
    }

    /** Serves until closed; throws only what should end this thread ({@link VirtualMachineError} and the like). */
    private void serve() throws IOException {
        long idleSince = 0;
        int rounds = 0;
        while (running) {
            try {
                if (tasksAdded) {
                    tasksAdded = false;
                    runTasks();
                }
                boolean control = (++rounds & CONTROL_CHECK_MASK) == 0;
                boolean sweep = control;
                // Cleared (with a full fence) before the sweep looks: a request made during the sweep is seen in the
                // next round, and one made before it gave its claim back before the sweep looks.
                if (sweepAsked.getOpaque() != 0 && sweepAsked.compareAndSet(1, 0)) {
                    sweep = true;
                }
                boolean work = pollLinks(sweep);
                if (control) {
                    deliverFaults(); // an idle poller runs no link's code: a pending fault must not wait for it
                    selector.selectNow(onSelected);
                }
                if (work) {
                    idleSince = 0;
                    continue;
                }
                if (idle == Idle.SPIN) {
                    Thread.onSpinWait();
                    continue;
                }
                long now = System.nanoTime();
                if (idleSince == 0) {
                    idleSince = now;
                }
                long idleMicros = TimeUnit.NANOSECONDS.toMicros(now - idleSince);
                if (idle == Idle.BACKOFF && idleMicros < SPIN_MICROS) {
                    Thread.onSpinWait();
                } else if (idle == Idle.BACKOFF && idleMicros < SPIN_MICROS + YIELD_MICROS) {
                    Thread.yield();
                } else {
                    park();
                    idleSince = 0;
                }
            } catch (RuntimeException e) {
                log.warn("shm poller round failed; serving on", e); // the selector, on one link's behalf
            } catch (InternalError e) {
                if (!MemoryFaults.isMemoryFault(e)) {
                    throw e;
                }
                memoryFault(e); // a fault on memory the poller touched, thrown late: here, outside any link's code
            }
        }
    }

    /** One round over the links. Whatever a link's poll throws closes that link only (or, a memory fault, see below). */
    private boolean pollLinks(boolean sweep) {
        boolean work = false;
        for (ShmLink l : links) {
            try {
                work |= l.poll(sweep);
            } catch (Throwable e) {
                work = true;
                if (MemoryFaults.isMemoryFault(e)) {
                    memoryFault(e);
                } else {
                    l.fail(e);
                }
            }
        }
        return work;
    }

    /**
     * A fault on segment memory reached the poller: the JVM reports it late and without saying where, so every
     * link's file is asked for its size, and the links whose files were truncated are closed, without touching their
     * memory again. Poller thread.
     */
    void memoryFault(Throwable fault) {
        for (int i = 0; i < 4; i++) {
            try {
                MemoryFaults.deliverPending(); // more faults from the same pages: they must not surface later
                break;
            } catch (InternalError again) {
                // delivered
            }
        }
        toucher = null;
        touchedSeveral = false;
        boolean found = false;
        for (ShmLink l : links) {
            if (!l.isClosed() && !l.segmentIntact()) {
                found = true;
                for (int attempt = 0; attempt < 3 && !l.isClosed(); attempt++) {
                    try {
                        l.closeNow(CloseReason.error(fault)); // closeNow names the truncation as the reason
                    } catch (RuntimeException | InternalError e) {
                        log.debug("closing {} after a memory fault failed; trying again", l, e);
                    }
                }
            }
        }
        if (!found) {
            log.warn("a fault on shm memory, but no link's segment is truncated now; serving on", fault);
        }
    }

    private void park() throws IOException {
        ShmLink[] ls = links;
        boolean sleep = tasks.isEmpty();
        for (int i = 0; i < ls.length && sleep; i++) {
            sleep = ls[i].prepareToPark();
        }
        InternalError fault = null;
        if (sleep) {
            try {
                deliverFaults(); // a fault pending from the rings just looked at would wait out the sleep
            } catch (InternalError e) {
                if (!MemoryFaults.isMemoryFault(e)) {
                    throw e;
                }
                fault = e;
                sleep = false;
            }
        }
        if (sleep) {
            selector.select(onSelected, PARK_MILLIS);
        } else {
            selector.selectNow(onSelected);
        }
        for (ShmLink l : ls) {
            l.unparked();
        }
        if (fault != null) {
            memoryFault(fault); // after every link took its parked flag back
        }
    }

    /**
     * Throws a memory fault pending from segment memory the poller touched, if it touched any since the last
     * delivery. The JVM reports such a fault only at the thread's next call into the VM, and neither spinning nor
     * sleeping in {@code select} is one; poller thread.
     */
    private void deliverFaults() {
        if (toucher != null) {
            toucher = null;
            touchedSeveral = false;
            MemoryFaults.deliverPending();
        }
    }

    /**
     * Runs the queued tasks. A task is the poller's own machinery (adding, closing a link): an error there other than
     * a memory fault ends this thread, and a fresh thread takes over.
     */
    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                deliverFaults(); // a task may run any link's code: faults pending from before are thrown first
                task.run();
            } catch (RuntimeException e) {
                log.error("shm poller task failed", e);
            } catch (InternalError e) {
                if (!MemoryFaults.isMemoryFault(e)) {
                    throw e;
                }
                memoryFault(e);
            }
        }
    }

    private void shutdown() {
        terminated = true;
        runTasks();
        for (ShmLink l : links) {
            l.closeNow(CloseReason.LOCAL);
        }
        runTasks();
        try {
            selector.close();
        } catch (IOException e) {
            log.debug("closing the shm selector failed", e);
        }
    }

    /** Closes the links still served and ends the thread; waits for it (and for a thread that replaced it). */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Thread t;
        while ((t = thread) != Thread.currentThread() && t.isAlive() && System.nanoTime() - deadline < 0) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "shm poller (" + idle.uriName() + ", " + thread.getName() + ")";
    }
}
