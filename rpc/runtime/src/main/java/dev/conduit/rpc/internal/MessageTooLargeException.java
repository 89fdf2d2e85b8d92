package dev.conduit.rpc.internal;

/** A message whose encoding exceeds the receiver's declared limit; raised while encoding, before anything is sent. */
public final class MessageTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MessageTooLargeException(int size, int limit) {
        super("message of " + size + " bytes exceeds the peer's limit of " + limit + " bytes", null, false, false);
    }
}
