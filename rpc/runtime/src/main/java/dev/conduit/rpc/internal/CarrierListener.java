package dev.conduit.rpc.internal;

import dev.conduit.rpc.Status;

/** What a client carrier tells the endpoint that owns it ({@link Subchannel}). */
public interface CarrierListener {

    /** The endpoint as the user named it (secrets masked), for messages. */
    String target();

    /** A carrier exists (its handshake may still be running); it will report {@link #closed} once. */
    void opened(ClientCarrier carrier);

    /** The server said GOAWAY, or the carrier went idle: new calls need a new connection. */
    void goAwayReceived(ClientCarrier carrier);

    /** The carrier's connection closed; its calls have been failed with {@code status}. */
    void closed(ClientCarrier carrier, Status status);
}
