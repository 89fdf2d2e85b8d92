package dev.conduit.transport.socket.internal;

import dev.conduit.core.ChannelClosedException;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Endpoint;
import dev.conduit.core.spi.Link;
import dev.conduit.core.spi.LinkListener;
import dev.conduit.core.spi.WriteCallback;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A udp listener's link to one sender: the listener's socket, seen from that sender. Inbound datagrams from the sender
 * are handed to it by {@link UdpListenerHandler}; writes go back to the sender's address. There is no connection, so
 * the link only closes locally (the channel or listener is closed, or it was idle too long).
 *
 * <p>Threading: delivery and close run on the listener socket's event loop; {@link #write} and {@link #close} may be
 * called from any thread.
 */
final class UdpPeerLink implements Link {
    private static final Logger log = LoggerFactory.getLogger(UdpPeerLink.class);

    private final Channel socket;
    private final InetSocketAddress sender;
    private final Endpoint local;
    private final Endpoint remote;
    private final UdpConfig config;
    private final UdpListenerHandler owner;
    /** Event loop only. */
    private @Nullable LinkListener listener;
    /** Event loop only: when the last datagram arrived. */
    long lastReceived = System.nanoTime();
    /** Event loop only: datagrams dropped while the channel did not read. */
    private long dropped;

    private volatile boolean paused;
    private volatile boolean closed;

    UdpPeerLink(Channel socket, InetSocketAddress sender, Endpoint local, UdpConfig config, UdpListenerHandler owner) {
        this.socket = socket;
        this.sender = sender;
        this.local = local;
        this.remote = Addresses.endpoint("udp", sender);
        this.config = config;
        this.owner = owner;
    }

    InetSocketAddress sender() {
        return sender;
    }

    void bind(LinkListener l) {
        this.listener = l;
    }

    /** One datagram from the sender; on the event loop. The buffer stays the caller's. */
    void deliver(ByteBuf content) {
        lastReceived = System.nanoTime();
        LinkListener l = listener;
        if (l == null || closed) {
            return;
        }
        if (paused) {
            if (dropped++ == 0) {
                log.warn(
                        "{}: the channel is not reading (its receive buffer is full); dropping datagrams from {}"
                                + " until it catches up",
                        local,
                        remote);
            }
            return;
        }
        if (dropped > 0) {
            log.warn("{}: dropped {} datagrams from {} while the channel was not reading", local, dropped, remote);
            dropped = 0;
        }
        l.onFrame(content.nioBuffer());
    }

    /** Ends the link with {@code reason}; on the event loop, called once by the owner. */
    void closed(CloseReason reason) {
        closed = true;
        LinkListener l = listener;
        listener = null;
        if (l != null) {
            l.onClosed(reason);
        }
    }

    @Override
    public Endpoint localEndpoint() {
        return local;
    }

    @Override
    public Endpoint remoteEndpoint() {
        return remote;
    }

    @Override
    public void write(ByteBuf frame, WriteCallback callback) {
        if (closed) {
            frame.release();
            callback.writeComplete(new ChannelClosedException(CloseReason.LOCAL));
            return;
        }
        config.send(socket, frame, sender, callback);
    }

    @Override
    public void setReadPaused(boolean pause) {
        paused = pause;
    }

    @Override
    public void close() {
        owner.close(this, CloseReason.LOCAL);
    }

    @Override
    public String toString() {
        return "udp-peer(" + local + " <-> " + remote + ")";
    }
}
