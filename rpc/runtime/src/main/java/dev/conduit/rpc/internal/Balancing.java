package dev.conduit.rpc.internal;

import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How a channel spreads calls over its endpoints, and which endpoints it keeps out: the load-balancing policy, outlier
 * ejection, client-side health checking and the re-resolution of names. From {@code RpcChannel.Builder}.
 *
 * @param policy {@code round_robin} or {@code pick_first}
 * @param ejectAfter consecutive failed calls that eject an endpoint; 0 turns outlier ejection off
 * @param ejectionTime how long a first ejection lasts; the n-th in a row lasts n times as long, up to {@code
 *     maxEjectionTime}
 * @param healthService the service name whose {@code grpc.health.v1} status is watched on each connection, or null
 *     for no health checking
 * @param resolveEvery how often names are resolved again
 * @param resolveAfterFailureMin the least time between resolutions asked for by failed connections
 */
public record Balancing(
        Policy policy,
        int ejectAfter,
        Duration ejectionTime,
        Duration maxEjectionTime,
        @Nullable String healthService,
        Duration resolveEvery,
        Duration resolveAfterFailureMin) {

    /** The defaults: round robin, ejection after 5 failures for 10 s (up to 5 min), no health checks, DNS each 30 s. */
    public static final Balancing DEFAULT = new Balancing(
            Policy.ROUND_ROBIN,
            5,
            Duration.ofSeconds(10),
            Duration.ofMinutes(5),
            null,
            Duration.ofSeconds(30),
            Duration.ofSeconds(5));

    public Balancing withPolicy(Policy p) {
        return new Balancing(
                p, ejectAfter, ejectionTime, maxEjectionTime, healthService, resolveEvery, resolveAfterFailureMin);
    }

    public Balancing withEjection(int after, Duration time, Duration maxTime) {
        return new Balancing(policy, after, time, maxTime, healthService, resolveEvery, resolveAfterFailureMin);
    }

    public Balancing withHealthService(String service) {
        return new Balancing(
                policy, ejectAfter, ejectionTime, maxEjectionTime, service, resolveEvery, resolveAfterFailureMin);
    }

    public Balancing withResolution(Duration every, Duration afterFailureMin) {
        return new Balancing(policy, ejectAfter, ejectionTime, maxEjectionTime, healthService, every, afterFailureMin);
    }

    /** The load-balancing policies, by their gRPC names. */
    public enum Policy {
        /** Each call goes to the next healthy endpoint in turn. */
        ROUND_ROBIN,
        /** Every call goes to the first endpoint, in resolver order, that can take it; the next only if it fails. */
        PICK_FIRST;

        /** The policy named {@code name} as gRPC's service config names it. */
        public static Policy named(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "round_robin" -> ROUND_ROBIN;
                case "pick_first" -> PICK_FIRST;
                default ->
                    throw new IllegalArgumentException(
                            "unknown load-balancing policy '" + name + "'; expected round_robin or pick_first");
            };
        }
    }
}
