package dev.conduit.examples.tour;

import dev.conduit.core.ChannelOptions;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Idle;

/**
 * A row of the tour measured with one option set: the transport's defaults, or the lowest-latency options.
 * Immutable.
 *
 * @param row the transport
 * @param options which option set
 */
public record TourVariant(Tour.Row row, Options options) {

    /** The option sets a row can be measured with. */
    public enum Options {
        /** The transport's defaults: its idle strategy, handlers on the runtime's handler threads. */
        DEFAULTS,
        /** {@code idle=spin}, the echo's handler on the I/O thread ({@code Channel.DIRECT}), the reply read by the spinning client. */
        SPIN
    }

    /** The row's name in the table: the transport, with {@code /spin} for the lowest-latency options. */
    public String name() {
        return options == Options.SPIN ? row.transport() + "/spin" : row.transport();
    }

    /** Whether this is the lowest-latency option set. */
    public boolean spin() {
        return options == Options.SPIN;
    }

    /** Threads this variant keeps spinning, so cores it needs. */
    int spinThreads() {
        return spin() ? row.spinThreads() : 0;
    }

    /** The URI both ends use: the row's, with {@code idle=spin} for the lowest-latency options. */
    String uri() {
        return spin() ? withSpin(row.listenUri()) : row.listenUri();
    }

    /** {@code endpoint} waiting by spinning if this variant spins, else as it is. */
    Endpoint apply(Endpoint endpoint) {
        return spin() ? endpoint.with(ChannelOptions.IDLE, Idle.SPIN) : endpoint;
    }

    private static String withSpin(String uri) {
        return uri + (uri.contains("?") ? "&" : "?") + "idle=spin";
    }
}
