package dev.conduit.core;

/**
 * No transport on the classpath serves a URI's scheme. The message names the Maven artifact that provides it, for
 * example {@code shm:// needs dev.conduit:conduit-ipc on the classpath}.
 */
public final class TransportNotFoundException extends EndpointException {
    private static final long serialVersionUID = 1L;

    private final String scheme;

    /** Creates the exception for {@code scheme} with an explanatory message. */
    public TransportNotFoundException(String scheme, String message) {
        super(message);
        this.scheme = scheme;
    }

    /** The scheme that no transport serves. */
    public String scheme() {
        return scheme;
    }
}
