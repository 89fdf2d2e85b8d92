/**
 * The machinery behind {@code dev.conduit.rpc}: frames and their codec, connections, call state machines, flow
 * control, keepalive and the client's connection management. Not an API: anything here may change.
 */
@NullMarked
package dev.conduit.rpc.internal;

import org.jspecify.annotations.NullMarked;
