package dev.conduit.rpc.internal;

import dev.conduit.core.ChannelOptions;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Framing;

/** Adjusts an endpoint's channel options to what the RPC protocol needs. */
final class Endpoints {
    private Endpoints() {}

    private static final int DEFAULT_MAX_FRAME = 16 << 20;

    /**
     * The endpoint with room for the largest message in a frame ({@code maxFrame}, unless the URI sets it), and the
     * channel's {@code sendLimit} at its maximum: per-call flow control bounds what is pending, and a refused send
     * would have nowhere to wait.
     *
     * @throws IllegalArgumentException if the URI asks for line framing or a {@code maxFrame} too small
     */
    static Endpoint forRpc(Endpoint endpoint, int maxMessageSize) {
        if (endpoint.find(ChannelOptions.FRAMING).orElse(null) == Framing.LINE) {
            throw new IllegalArgumentException(
                    "RPC frames are binary: " + endpoint + " asks for framing=line; use the default framing");
        }
        long needed = (long) maxMessageSize + RpcConfig.FRAME_ALLOWANCE;
        int limit = (int) Math.min(Integer.MAX_VALUE - 8, needed);
        Endpoint e = endpoint;
        var maxFrame = endpoint.find(ChannelOptions.MAX_FRAME);
        if (maxFrame.isEmpty()) {
            e = e.with(ChannelOptions.MAX_FRAME, Math.max(limit, DEFAULT_MAX_FRAME));
        } else if (maxFrame.get() < needed) {
            throw new IllegalArgumentException(endpoint + " sets maxFrame=" + maxFrame.get()
                    + ", too small for messages of up to " + maxMessageSize + " bytes; it needs at least " + needed);
        }
        return e.with(ChannelOptions.SEND_LIMIT, Integer.MAX_VALUE);
    }
}
