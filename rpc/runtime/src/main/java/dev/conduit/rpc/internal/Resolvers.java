package dev.conduit.rpc.internal;

import dev.conduit.rpc.resolver.NameResolverProvider;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/** The {@link NameResolverProvider}s on the class path, by scheme; loaded once. */
public final class Resolvers {
    private Resolvers() {}

    private static final class Loaded {
        static final Map<String, NameResolverProvider> BY_SCHEME = load();
    }

    private static Map<String, NameResolverProvider> load() {
        Map<String, NameResolverProvider> found = new HashMap<>();
        for (NameResolverProvider p :
                ServiceLoader.load(NameResolverProvider.class, Resolvers.class.getClassLoader())) {
            NameResolverProvider before = found.put(p.scheme().toLowerCase(Locale.ROOT), p);
            if (before != null) {
                throw new IllegalStateException("two name resolvers for scheme " + p.scheme() + ": "
                        + before.getClass().getName() + " and " + p.getClass().getName() + "; remove one jar");
            }
        }
        return Map.copyOf(found);
    }

    /** The provider for the scheme of {@code uri}, or null if no resolver serves it. */
    public static @Nullable NameResolverProvider forTarget(String uri) {
        int colon = uri.indexOf(':');
        return colon <= 0 ? null : Loaded.BY_SCHEME.get(uri.substring(0, colon).toLowerCase(Locale.ROOT));
    }
}
