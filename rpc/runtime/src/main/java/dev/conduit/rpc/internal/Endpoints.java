package dev.conduit.rpc.internal;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.ChannelOptions;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Framing;
import dev.conduit.core.TransportNotFoundException;

/** Adjusts an endpoint's channel options to what the RPC protocol needs. */
final class Endpoints {
    private Endpoints() {}

    private static final int DEFAULT_MAX_FRAME = 16 << 20;

    /**
     * The endpoint with room for the largest message in a frame ({@code maxFrame}, unless the URI sets it), and the
     * channel's {@code sendLimit} at its maximum: per-call flow control bounds what is pending, and a refused send
     * would have nowhere to wait.
     *
     * @throws EndpointException if the URI asks for line framing or a {@code maxFrame} too small
     */
    static Endpoint forRpc(Endpoint endpoint, int maxMessageSize) {
        if (endpoint.find(ChannelOptions.FRAMING).orElse(null) == Framing.LINE) {
            throw new EndpointException(
                    "RPC frames are binary: " + endpoint + " asks for framing=line; use the default framing");
        }
        long needed = (long) maxMessageSize + RpcConfig.FRAME_ALLOWANCE;
        int limit = (int) Math.min(Integer.MAX_VALUE - 8, needed);
        Endpoint e = endpoint;
        var maxFrame = endpoint.find(ChannelOptions.MAX_FRAME);
        if (maxFrame.isEmpty()) {
            e = e.with(ChannelOptions.MAX_FRAME, Math.max(limit, DEFAULT_MAX_FRAME));
        } else if (maxFrame.get() < needed) {
            throw new EndpointException(endpoint + " sets maxFrame=" + maxFrame.get()
                    + ", too small for messages of up to " + maxMessageSize + " bytes; it needs at least " + needed);
        }
        return e.with(ChannelOptions.SEND_LIMIT, Integer.MAX_VALUE);
    }

    /**
     * What a server reports for a listener bound for {@code asked}: the listener's endpoint (real port or name, and
     * without what the transport leaves out, such as a TLS listener's key), without the options {@link #forRpc}
     * added.
     */
    static Endpoint reported(Endpoint listening, Endpoint asked) {
        Endpoint e = listening;
        for (var added : java.util.List.of(ChannelOptions.MAX_FRAME, ChannelOptions.SEND_LIMIT)) {
            if (asked.find(added).isEmpty()) {
                e = e.without(added);
            }
        }
        return e;
    }

    /**
     * {@code failure} of an endpoint that {@link #forRpc} made from {@code asked}, restated to name {@code asked}: the
     * URI as the user wrote it, not the options RPC added.
     */
    static RuntimeException restate(RuntimeException failure, Endpoint rpc, Endpoint asked) {
        if (failure instanceof BindFailedException b) {
            return new BindFailedException(asked.toString(), b.reason(), b);
        }
        if (failure instanceof ConnectFailedException c) {
            return new ConnectFailedException(asked.toString(), c.reason(), c);
        }
        if (failure instanceof EndpointException && !(failure instanceof TransportNotFoundException)) {
            String message = String.valueOf(failure.getMessage());
            if (message.contains(rpc.toString())) {
                EndpointException restated = new EndpointException(message.replace(rpc.toString(), asked.toString()));
                restated.initCause(failure);
                return restated;
            }
        }
        return failure;
    }
}
