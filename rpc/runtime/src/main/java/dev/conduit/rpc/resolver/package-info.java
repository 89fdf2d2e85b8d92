/**
 * Name resolution for RPC targets: a {@link dev.conduit.rpc.resolver.NameResolver} turns a target such as {@code
 * dns:///orders.internal:7000} into the endpoint URIs behind it, and tells the channel when they change. Resolvers are
 * found by the target's URI scheme through {@link java.util.ServiceLoader} ({@link
 * dev.conduit.rpc.resolver.NameResolverProvider}), the way transports are, so a registry of your own (Consul,
 * Kubernetes endpoints, a config file) plugs in by adding a jar. {@code dns:} is built in.
 *
 * <p>Everything in this package is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.conduit.rpc.resolver;

import org.jspecify.annotations.NullMarked;
