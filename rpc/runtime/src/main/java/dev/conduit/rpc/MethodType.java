package dev.conduit.rpc;

/** The four call kinds: how many messages each side sends. */
public enum MethodType {
    /** One request, one response. */
    UNARY(true, true),
    /** One request, a stream of responses. */
    SERVER_STREAMING(true, false),
    /** A stream of requests, one response. */
    CLIENT_STREAMING(false, true),
    /** A stream of requests and a stream of responses, independent of each other. */
    BIDI_STREAMING(false, false);

    private final boolean clientSendsOne;
    private final boolean serverSendsOne;

    MethodType(boolean clientSendsOne, boolean serverSendsOne) {
        this.clientSendsOne = clientSendsOne;
        this.serverSendsOne = serverSendsOne;
    }

    /** Whether the client sends exactly one request. */
    public boolean clientSendsOne() {
        return clientSendsOne;
    }

    /** Whether the server sends exactly one response. */
    public boolean serverSendsOne() {
        return serverSendsOne;
    }
}
