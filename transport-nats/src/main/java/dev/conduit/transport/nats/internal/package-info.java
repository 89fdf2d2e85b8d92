/**
 * The machinery of {@code nats://}: shared NATS connections per runtime, sessions over core NATS (wire format in
 * {@link dev.conduit.transport.nats.internal.Wire}), listeners on queue groups and their presence announcements.
 * Nothing here is API; see {@code dev.conduit.transport.nats} and {@code docs/nats.md}.
 */
@NullMarked
package dev.conduit.transport.nats.internal;

import org.jspecify.annotations.NullMarked;
