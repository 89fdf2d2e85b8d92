package dev.conduit.rpc.internal;

import java.time.Duration;

/**
 * The settings of a server's {@code grpc://} connections that Conduit's own protocol has no use for.
 *
 * @param maxConcurrentCalls calls one connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS)
 * @param permitKeepAliveTime the shortest interval between a client's keepalive pings that is tolerated
 * @param permitKeepAliveWithoutCalls whether a client may ping while it has no call open
 */
public record GrpcServerSettings(
        int maxConcurrentCalls, Duration permitKeepAliveTime, boolean permitKeepAliveWithoutCalls) {

    /** gRPC's defaults: pings at most every 5 minutes, and only with calls open; 1000 calls per connection. */
    public static final GrpcServerSettings DEFAULT = new GrpcServerSettings(1000, Duration.ofMinutes(5), false);
}
