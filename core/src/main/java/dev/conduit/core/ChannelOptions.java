package dev.conduit.core;

import java.time.Duration;
import java.util.List;

/**
 * The options every transport understands. Transports add their own (see each transport's documentation); an option
 * that the endpoint's transport does not know is an error.
 *
 * <pre>{@code
 * tcp://127.0.0.1:7000?framing=line&maxFrame=64k&idle=spin
 * }</pre>
 */
public final class ChannelOptions {
    private ChannelOptions() {}

    /** How a byte stream is cut into messages; the default depends on the transport. */
    public static final Option<Framing> FRAMING = Option.choice(
            "framing", Framing.class, null, "how a byte stream is cut into messages (default: transport's own)");

    /** The largest message accepted or sent, in bytes; default 16 MiB. */
    public static final Option<Integer> MAX_FRAME =
            Option.size("maxFrame", 16 << 20, 0, Integer.MAX_VALUE - 8, "largest message accepted or sent, in bytes");

    /** How a waiting thread waits; the default depends on the transport. */
    public static final Option<Idle> IDLE =
            Option.choice("idle", Idle.class, null, "how a thread waits for the next message (default: transport's)");

    /** Outbound bytes pending above which the channel reports itself unwritable; default 64 KiB. */
    public static final Option<Integer> HIGH_WATER = Option.size(
            "highWater", 64 << 10, 1, Integer.MAX_VALUE, "pending outbound bytes above which isWritable() is false");

    /** Outbound bytes pending below which an unwritable channel becomes writable again; default 32 KiB. */
    public static final Option<Integer> LOW_WATER = Option.size(
            "lowWater",
            32 << 10,
            0,
            Integer.MAX_VALUE,
            "pending outbound bytes below which isWritable() is true again");

    /**
     * The hard bound on outbound bytes pending; a send beyond it fails with {@link BackpressureException}. One message
     * is always accepted when nothing is pending, whatever its size. Default 64 MiB.
     */
    public static final Option<Integer> SEND_LIMIT = Option.size(
            "sendLimit", 64 << 20, 1, Integer.MAX_VALUE, "hard bound on pending outbound bytes; beyond it send fails");

    /** Received bytes waiting for the application above which reading pauses; default 1 MiB. */
    public static final Option<Integer> RECEIVE_BUFFER = Option.size(
            "receiveBuffer", 1 << 20, 1, Integer.MAX_VALUE, "undelivered inbound bytes above which reading pauses");

    /** How long {@code connect} may take before it fails; default 10 s. */
    public static final Option<Duration> CONNECT_TIMEOUT =
            Option.duration("connectTimeout", Duration.ofSeconds(10), "how long a connect may take");

    /**
     * The bytes of partly received frames that a runtime holds for all its connections together before a connection
     * of this endpoint pauses its reading; default 64 MiB. Each connection holds up to 64 KiB of a partial frame
     * outside the budget, and a connection alone may always finish its frame (up to {@code maxFrame}). Stream
     * transports (tcp, unix, pipe, fifo) apply it; see {@link dev.conduit.core.spi.InboundBudget}.
     */
    public static final Option<Integer> INBOUND_BUDGET = Option.size(
            "inboundBudget",
            64 << 20,
            0,
            Integer.MAX_VALUE,
            "bytes of partly received frames the runtime holds for all connections before one pauses reading");

    /**
     * How long a connection waits, reading paused, for room in the {@link #INBOUND_BUDGET} before it is closed with
     * the reason; default 10 s.
     */
    public static final Option<Duration> INBOUND_BUDGET_WAIT = Option.duration(
            "inboundBudgetWait",
            Duration.ofSeconds(10),
            "how long a connection waits for room in the inbound budget before it is closed");

    /** Every common option. */
    public static final List<Option<?>> ALL = List.of(
            FRAMING,
            MAX_FRAME,
            IDLE,
            HIGH_WATER,
            LOW_WATER,
            SEND_LIMIT,
            RECEIVE_BUFFER,
            CONNECT_TIMEOUT,
            INBOUND_BUDGET,
            INBOUND_BUDGET_WAIT);
}
