package dev.conduit.transport.nats;

import dev.conduit.core.Property;

/**
 * Facts about channels to JetStream streams ({@code nats://…/stream/NAME?reader=NAME}), read with {@link
 * dev.conduit.core.Channel#property}. A stream's index is JetStream's stream sequence number: 1 for the first message
 * ever appended, growing by one per message.
 *
 * <p>Constants only; thread-safe.
 */
public final class NatsStreams {
    private NatsStreams() {}

    /**
     * On a channel with a reader: the index of the next message its reader will deliver, which moves past each message
     * once the application has it (the reader's stored position, as this channel knows it).
     */
    public static final Property<Long> READER_INDEX = Property.of("nats.readerIndex", Long.class);

    /**
     * On any channel to a stream: the index the next appended message will get, asked of the server when read (one
     * round trip), or absent if the server does not answer.
     */
    public static final Property<Long> NEXT_INDEX = Property.of("nats.nextIndex", Long.class);
}
