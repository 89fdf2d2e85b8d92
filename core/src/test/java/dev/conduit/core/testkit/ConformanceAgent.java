package dev.conduit.core.testkit;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codec;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import dev.conduit.core.MessageHandler;
import dev.conduit.core.WriteBuffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The peer that the conformance suite talks to, in this JVM or in a child process. It listens on one endpoint; the
 * first message on each channel is a UTF-8 command that sets what the channel does, and is answered {@code ok}:
 *
 * <ul>
 *   <li>{@code echo <tag>}: send every later message back unchanged;
 *   <li>{@code source <tag> <count> <size>}: send {@code count} messages of {@code size} bytes, each starting with
 *       its sequence number as a long; with a trailing {@code close}, close the channel after them;
 *   <li>{@code sink <tag>} / {@code gated-sink <tag>}: take messages that start with a sequence number and check
 *       their order; the gated sink waits while the gate is shut. A sequence number of -1 ends the run and is answered
 *       {@code sink <count> <bytes> <outOfOrder>};
 *   <li>{@code close-after <tag> <n>}: after {@code n} more messages, send {@code bye} and close;
 *   <li>{@code control <tag>}: later messages are {@code shut-gate}, {@code open-gate}, {@code reason <tag>},
 *       answered with the close reason of the channel of that tag ({@code open} while it is open), or {@code memory},
 *       answered {@code memory <held> <pool>}: the bytes of messages the agent's runtime has decoded but no handler
 *       has taken yet (what it buffers for a stalled consumer), then its {@link PoolMetrics#toWords() pool's figures}.
 * </ul>
 *
 * <p>A relay in front of the agent (for transports whose listener cannot serve the suite directly) reports how its
 * own end of a channel closed on error by sending {@link #RELAYED_CLOSE} and the reason, in any mode: the agent then
 * reports that reason for the channel's tag, as if the transport under test had closed the agent's own channel.
 *
 * <p>As a program, it prints {@code listening on <uri>} and serves until its stdin closes or it is killed.
 */
public final class ConformanceAgent implements AutoCloseable {
    /** The sequence number that ends a sink run. */
    public static final long END = -1;

    /** Starts a relay's last message on a channel: the rest is the reason its end of the channel closed. */
    public static final String RELAYED_CLOSE = "\0relayed-close ";

    private static final byte[] RELAYED_CLOSE_BYTES = text(RELAYED_CLOSE);

    private final Conduit conduit;
    private final Listener<byte[]> listener;
    private final Map<String, Channel<byte[]>> byTag = new ConcurrentHashMap<>();
    private final Map<Channel<byte[]>, String> relayedCloses = new ConcurrentHashMap<>();
    /** Bytes of every message decoded, and of every message a handler has taken: the difference is buffered. */
    private final AtomicLong decoded = new AtomicLong();

    private final AtomicLong handled = new AtomicLong();
    private final ReentrantLock gateLock = new ReentrantLock();
    private final Condition gateOpened = gateLock.newCondition();
    private boolean gateOpen = true;

    private ConformanceAgent(Conduit conduit, String uri) {
        this.conduit = conduit;
        this.listener = conduit.listen(uri, countingBytes(), this::accepted);
    }

    /** {@link Codecs#bytes()}, counting what it decodes. */
    private Codec<byte[]> countingBytes() {
        Codec<byte[]> bytes = Codecs.bytes();
        return new Codec<>() {
            @Override
            public void encode(byte[] message, WriteBuffer out) {
                bytes.encode(message, out);
            }

            @Override
            public byte[] decode(ByteBuffer in) {
                byte[] m = bytes.decode(in);
                decoded.addAndGet(m.length);
                return m;
            }

            @Override
            public int sizeHint(byte[] message) {
                return bytes.sizeHint(message);
            }
        };
    }

    /** Starts an agent listening on {@code uri} in {@code conduit}. */
    public static ConformanceAgent start(Conduit conduit, String uri) {
        return new ConformanceAgent(conduit, uri);
    }

    /** The endpoint the agent listens on, as a URI a client can use. */
    public String uri() {
        return listener.endpoint().toString();
    }

    @Override
    public void close() {
        listener.close();
    }

    private void accepted(Channel<byte[]> channel) {
        channel.onMessage(new MessageHandler<>() {
            private MessageHandler<byte[]> mode;

            @Override
            public void onMessage(Channel<byte[]> ch, byte[] message) throws Exception {
                handled.addAndGet(message.length);
                if (startsWith(message, RELAYED_CLOSE_BYTES)) {
                    String reason = new String(message, StandardCharsets.UTF_8).substring(RELAYED_CLOSE.length());
                    relayedCloses.put(ch, reason);
                    ch.close();
                } else if (mode == null) {
                    mode = command(ch, new String(message, StandardCharsets.UTF_8));
                    ch.send(text("ok"));
                    if (mode instanceof Source source) {
                        source.start();
                    }
                } else {
                    mode.onMessage(ch, message);
                }
            }
        });
    }

    private MessageHandler<byte[]> command(Channel<byte[]> ch, String line) {
        String[] w = line.split(" ");
        if (w.length > 1) {
            byTag.put(w[1], ch);
        }
        return switch (w[0]) {
            case "echo" -> (c, m) -> sendPaced(c, m);
            case "source" ->
                new Source(
                        ch, w[1], Integer.parseInt(w[2]), Integer.parseInt(w[3]), w.length > 4 && w[4].equals("close"));
            case "sink" -> sink(false);
            case "gated-sink" -> sink(true);
            case "close-after" -> {
                AtomicInteger left = new AtomicInteger(Integer.parseInt(w[2]));
                yield (c, m) -> {
                    if (left.decrementAndGet() == 0) {
                        // close() fails sends not yet taken, so wait until "bye" is on its way
                        c.send(text("bye")).whenComplete((v, e) -> c.close());
                    }
                };
            }
            case "control" -> (c, m) -> control(c, new String(m, StandardCharsets.UTF_8));
            default -> throw new IllegalArgumentException("unknown agent command: " + line);
        };
    }

    private static CompletableFuture<Void> sendPaced(Channel<byte[]> c, byte[] m) throws InterruptedException {
        if (!c.isWritable()) {
            c.awaitWritable(Duration.ofSeconds(30));
        }
        return c.send(m);
    }

    /** A channel in source mode: starts sending once its {@code ok} is on its way, so that {@code ok} comes first. */
    private record Source(Channel<byte[]> ch, String tag, int count, int size, boolean thenClose)
            implements MessageHandler<byte[]> {
        @Override
        public void onMessage(Channel<byte[]> channel, byte[] message) {}

        void start() {
            Thread t = new Thread(() -> source(ch, count, size, thenClose), "agent-source-" + tag);
            t.setDaemon(true);
            t.start();
        }
    }

    private static void source(Channel<byte[]> ch, int count, int size, boolean thenClose) {
        try {
            CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
            for (int i = 0; i < count; i++) {
                byte[] m = new byte[size];
                ByteBuffer.wrap(m).putLong(i);
                last = sendPaced(ch, m);
            }
            if (thenClose) {
                // close() fails sends not yet taken; sends complete in order, so the last one covers them all
                last.get(30, TimeUnit.SECONDS);
                ch.close();
            }
        } catch (Exception e) {
            ch.close();
        }
    }

    private MessageHandler<byte[]> sink(boolean gated) {
        long[] state = new long[3]; // count, bytes, out of order
        return (c, m) -> {
            if (gated) {
                awaitGate();
            }
            long seq = ByteBuffer.wrap(m).getLong();
            if (seq == END) {
                c.send(text("sink " + state[0] + " " + state[1] + " " + state[2]));
                return;
            }
            if (seq != state[0]) {
                state[2]++;
            }
            state[0]++;
            state[1] += m.length;
        };
    }

    private void control(Channel<byte[]> c, String line) {
        String[] w = line.split(" ");
        switch (w[0]) {
            case "shut-gate" -> setGate(false);
            case "open-gate" -> setGate(true);
            case "reason" -> {
                c.send(text(reason(byTag.get(w[1]))));
                return;
            }
            case "memory" -> {
                c.send(text("memory " + (decoded.get() - handled.get()) + " "
                        + PoolMetrics.of(conduit).toWords()));
                return;
            }
            default -> throw new IllegalArgumentException("unknown control command: " + line);
        }
        c.send(text("ok"));
    }

    private String reason(Channel<byte[]> target) {
        if (target == null) {
            return "unknown";
        }
        CloseReason r = target.closeReason();
        if (r == null || !target.closeFuture().isDone()) {
            return "open";
        }
        String relayed = relayedCloses.get(target);
        return relayed != null ? relayed : r.toString();
    }

    private static boolean startsWith(byte[] message, byte[] prefix) {
        return message.length >= prefix.length && Arrays.equals(message, 0, prefix.length, prefix, 0, prefix.length);
    }

    private void setGate(boolean open) {
        gateLock.lock();
        try {
            gateOpen = open;
            gateOpened.signalAll();
        } finally {
            gateLock.unlock();
        }
    }

    private void awaitGate() throws InterruptedException {
        gateLock.lock();
        try {
            while (!gateOpen) {
                gateOpened.await();
            }
        } finally {
            gateLock.unlock();
        }
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Runs an agent on {@code args[0]} until stdin closes; prints {@code listening on <uri>} first. */
    public static void main(String[] args) throws Exception {
        try (Conduit conduit = Conduit.builder().name("agent").build();
                ConformanceAgent agent = start(conduit, args[0])) {
            System.out.println("listening on " + agent.uri());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent closes our stdin
            }
        }
    }
}
