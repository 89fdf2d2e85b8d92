/**
 * gRPC on the wire: calls carried by HTTP/2 streams, so that stock gRPC clients, servers and tools interoperate with
 * Conduit's ({@code grpc://}, {@code grpcs://}, {@code grpc+unix://}). Built on Netty's HTTP/2 codec and the runtime's
 * event loops. Server and client calls are the runtime's own, speaking {@link dev.conduit.rpc.internal.Frame}s to a
 * carrier here instead of to a Conduit connection; {@code docs/grpc.md} maps one to the other. Internal.
 */
@NullMarked
package dev.conduit.rpc.internal.grpc;

import org.jspecify.annotations.NullMarked;
