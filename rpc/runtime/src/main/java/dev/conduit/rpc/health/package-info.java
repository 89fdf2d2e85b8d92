/**
 * gRPC's standard health service, {@code grpc.health.v1.Health}, for an {@link dev.conduit.rpc.RpcServer}: {@link
 * dev.conduit.rpc.health.HealthService} is both the service and the application's handle on the statuses it reports.
 * The messages ({@code dev.conduit.rpc.health.v1}) are protoc's, from a {@code health.proto} with gRPC's own package,
 * names and numbers, so that stock probes and clients interoperate.
 *
 * <p>Everything in this package is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.conduit.rpc.health;

import org.jspecify.annotations.NullMarked;
