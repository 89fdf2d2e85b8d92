/**
 * OpenTelemetry metrics and traces for Conduit RPC: start at {@link dev.conduit.rpc.opentelemetry.ConduitOpenTelemetry}.
 */
@NullMarked
package dev.conduit.rpc.opentelemetry;

import org.jspecify.annotations.NullMarked;
