package dev.conduit.core.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.InstanceWatch;
import java.util.List;

/** The instances of an endpoint of a transport with one peer per endpoint: a list that never changes. */
record FixedInstances(List<Endpoint> instances) implements InstanceWatch {
    @Override
    public void close() {}
}
