package dev.conduit.rpc.internal;

import dev.conduit.rpc.ClientCall;
import dev.conduit.rpc.Metadata;

/**
 * A client call that can be started with its one request in a single step: the same as {@code start}, {@code
 * request(count)}, {@code sendMessage(request)} and {@code halfClose} in that order, for a fraction of the
 * synchronization (the channel's own calls do the four under one lock). {@link dev.conduit.rpc.ClientCalls} uses it
 * for the unary helpers when the call is the channel's own (no interceptor between).
 *
 * <p>Threading and ownership as for the four calls it replaces: the application's thread, once, before anything else.
 */
public interface OneRequestCall<Req, Resp> {
    /**
     * Starts the call with {@code listener} and {@code headers}, asks for {@code count} responses, sends {@code
     * request} and half-closes.
     *
     * @throws IllegalStateException if the call was started already
     */
    void startWithRequest(ClientCall.Listener<Resp> listener, Metadata headers, int count, Req request);
}
