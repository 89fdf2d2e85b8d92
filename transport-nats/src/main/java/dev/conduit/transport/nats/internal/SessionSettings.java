package dev.conduit.transport.nats.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.transport.nats.NatsOptions;
import java.time.Duration;

/**
 * A session's flow-control and heartbeat settings, from its endpoint's options.
 *
 * @param window the credit this side grants its peer, in bytes
 * @param heartbeat how often this side tells its peer it is alive
 * @param heartbeatTimeout the silence after which this side gives its peer up
 */
record SessionSettings(int window, Duration heartbeat, Duration heartbeatTimeout) {

    static SessionSettings of(Endpoint endpoint) {
        Duration heartbeat = endpoint.get(NatsOptions.HEARTBEAT);
        Duration timeout = endpoint.get(NatsOptions.HEARTBEAT_TIMEOUT);
        if (heartbeat.toMillis() < 10 || timeout.compareTo(heartbeat.multipliedBy(3)) < 0) {
            throw new EndpointException(endpoint + ": heartbeat=" + heartbeat.toMillis() + "ms and heartbeatTimeout="
                    + timeout.toMillis() + "ms; expected a heartbeat of at least 10 ms and a timeout of at least three"
                    + " heartbeats");
        }
        return new SessionSettings(endpoint.get(NatsOptions.WINDOW), heartbeat, timeout);
    }

    int heartbeatMillis() {
        return (int) Math.min(Integer.MAX_VALUE, heartbeat.toMillis());
    }
}
