package dev.conduit.rpc.internal;

import dev.conduit.rpc.Status;

/** One connection a server serves, whatever its protocol, as {@link ServerCore} sees it for shutdown. */
public interface ServedConnection {

    /** Graceful shutdown: no new calls (the client is told with GOAWAY); close once the calls in flight have ended. */
    void goAway();

    /** Ends every call in flight with {@code status}, telling the client, and closes. */
    void shutdownNow(Status status);

    /** Calls in flight. */
    int activeCalls();

    /** Closes at once, without waiting for anything queued: the last step of a server close that ran out of time. */
    void forceClose(String why);
}
