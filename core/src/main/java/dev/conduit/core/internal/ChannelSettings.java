package dev.conduit.core.internal;

import dev.conduit.core.ChannelOptions;
import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Framing;
import dev.conduit.core.Idle;

/** The per-channel limits the runtime enforces, read once from the endpoint. */
record ChannelSettings(
        int maxFrame, int highWater, int lowWater, int sendLimit, int receiveBuffer, Idle idle, Framing framing) {

    static ChannelSettings of(Endpoint endpoint, Idle idle, Framing framing) {
        int high = endpoint.get(ChannelOptions.HIGH_WATER);
        int low = endpoint.get(ChannelOptions.LOW_WATER);
        if (low > high) {
            throw new EndpointException("lowWater=" + low + " is above highWater=" + high + " in " + endpoint
                    + "; expected lowWater <= highWater");
        }
        int sendLimit = endpoint.get(ChannelOptions.SEND_LIMIT);
        if (sendLimit < high) {
            throw new EndpointException("sendLimit=" + sendLimit + " is below highWater=" + high + " in " + endpoint
                    + "; expected sendLimit >= highWater");
        }
        return new ChannelSettings(
                endpoint.get(ChannelOptions.MAX_FRAME),
                high,
                low,
                sendLimit,
                endpoint.get(ChannelOptions.RECEIVE_BUFFER),
                idle,
                framing);
    }
}
