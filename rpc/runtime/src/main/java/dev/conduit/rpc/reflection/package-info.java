/**
 * gRPC's server reflection, {@code grpc.reflection.v1} and {@code grpc.reflection.v1alpha}, for an {@link
 * dev.conduit.rpc.RpcServer}: clients such as {@code grpcurl} or {@code conduit call} list the services and fetch
 * their {@code .proto} descriptors. The messages ({@code dev.conduit.rpc.reflection.v1}, {@code .v1alpha}) are
 * protoc's, from {@code reflection.proto} files with gRPC's own packages, names and numbers.
 *
 * <p>Everything in this package is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.conduit.rpc.reflection;

import org.jspecify.annotations.NullMarked;
