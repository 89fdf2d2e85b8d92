/**
 * Conduit over NATS: {@code nats://host:port[,host:port...]/subject} channels and RPC across machines, many
 * listening instances behind one subject (a NATS queue group), with the sequence numbers, credit-based flow control
 * and heartbeats that core NATS lacks. Adding {@code conduit-transport-nats} to the classpath is all it takes for
 * {@code nats://} to work with {@link dev.conduit.core.Conduit}.
 *
 * {@code nats://host:port/stream/NAME?reader=R} is a durable queue on a JetStream stream, with the semantics of {@code
 * queue://}.
 *
 * <p>This package holds the small public surface: the endpoint options ({@link NatsOptions}), the error a session
 * closes with when NATS lets it down ({@link NatsSessionException}), and the indices a stream channel reports ({@link
 * NatsStreams}). See {@code docs/nats.md} for a guide.
 */
@NullMarked
package dev.conduit.transport.nats;

import org.jspecify.annotations.NullMarked;
