package dev.conduit.examples.tour;

import org.jspecify.annotations.Nullable;

/**
 * What one row of the tour measured. Every figure comes from messages whose content was checked: {@code exchanged}
 * counts them, and a row whose check failed has no figures.
 *
 * @param variant the row and its option set
 * @param status whether it ran and verified
 * @param exchanged messages (or, RPC only, calls) exchanged and verified
 * @param p50Micros median round trip
 * @param p99Micros 99th percentile round trip
 * @param messagesPerSecond pipelined messages per second
 * @param rpc the RPC columns, if RPC ran over the row
 * @param detail the endpoint, or why the row failed or was skipped
 */
public record TourResult(
        TourVariant variant,
        Status status,
        long exchanged,
        double p50Micros,
        double p99Micros,
        long messagesPerSecond,
        RpcTour.@Nullable Result rpc,
        String detail) {

    /** How a row ended. */
    public enum Status {
        VERIFIED,
        FAILED,
        SKIPPED
    }

    static TourResult failed(TourVariant variant, Exception e) {
        return new TourResult(variant, Status.FAILED, 0, 0, 0, 0, null, e.toString());
    }

    static TourResult skipped(TourVariant variant, String reason) {
        return new TourResult(variant, Status.SKIPPED, 0, 0, 0, 0, null, reason);
    }

    /** The row's name in the table ({@code tcp}, {@code tcp/spin}). */
    public String name() {
        return variant.name();
    }

    /** Whether the row ran and every message it exchanged was the one expected. */
    public boolean verified() {
        return status == Status.VERIFIED;
    }

    /** Whether the row did not run (too few cores for its spinning threads). */
    public boolean skipped() {
        return status == Status.SKIPPED;
    }

    /** This result with the RPC columns. */
    TourResult withRpc(RpcTour.@Nullable Result rpcResult) {
        return new TourResult(variant, status, exchanged, p50Micros, p99Micros, messagesPerSecond, rpcResult, detail);
    }
}
