/** The instruments, call tracers and interceptors behind {@code ConduitOpenTelemetry}; not an API. */
@NullMarked
package dev.conduit.rpc.opentelemetry.internal;

import org.jspecify.annotations.NullMarked;
