package dev.conduit.rpc.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.rpc.ChannelFactory;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** How a channel's targets are named to its call tracers: computed once per channel, never per call. */
final class TracedTarget {
    private TracedTarget() {}

    /** The targets as the user named them, secrets masked, comma-separated. */
    static String name(Map<String, @Nullable ChannelFactory> targets) {
        return targets.entrySet().stream()
                .map(t -> t.getValue() != null
                        ? t.getKey()
                        : Endpoint.parse(t.getKey()).toString())
                .collect(Collectors.joining(","));
    }

    /** The targets' one URI scheme, or {@code other} if they have several or one is a user's channel factory. */
    static String transport(Map<String, @Nullable ChannelFactory> targets) {
        String scheme = null;
        for (Map.Entry<String, @Nullable ChannelFactory> t : targets.entrySet()) {
            String s = t.getValue() != null ? "other" : scheme(t.getKey());
            if (scheme != null && !scheme.equals(s)) {
                return "other";
            }
            scheme = s;
        }
        return scheme == null ? "other" : scheme;
    }

    /**
     * The transport of a target's calls: its scheme; for a {@code dns:} name, its endpoints' scheme ({@code tcp} unless
     * {@code ?scheme=} says otherwise); for another resolver's name, unknown until resolved, so {@code other}.
     */
    private static String scheme(String uri) {
        Endpoint e = Endpoint.parse(uri);
        if (Resolvers.forTarget(uri) == null) {
            return e.scheme();
        }
        return e.scheme().equals("dns") ? e.options().getOrDefault("scheme", "tcp") : "other";
    }
}
