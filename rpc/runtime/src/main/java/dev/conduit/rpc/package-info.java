/**
 * Conduit RPC: typed remote calls over any Conduit channel, with the same service reachable over {@code inproc},
 * {@code tcp}, {@code unix}, {@code shm} and {@code pipe} by changing only its URI.
 *
 * <p>A method is described by a {@link dev.conduit.rpc.MethodDescriptor} (full name, {@link
 * dev.conduit.rpc.MethodType call kind}, request and response codecs). Servers register {@link
 * dev.conduit.rpc.ServiceDefinition services} on an {@link dev.conduit.rpc.RpcServer} bound to one or more URIs.
 * Clients call through an {@link dev.conduit.rpc.RpcChannel}, with the blocking and asynchronous helpers of {@link
 * dev.conduit.rpc.ClientCalls} or the low-level {@link dev.conduit.rpc.ClientCall}. Outcomes are a {@link
 * dev.conduit.rpc.Status} with gRPC's codes; failures reach callers as one exception type, {@link
 * dev.conduit.rpc.RpcException}. The wire protocol is documented in {@code docs/rpc-protocol.md}.
 *
 * <p>Everything in this package is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.conduit.rpc;

import org.jspecify.annotations.NullMarked;
