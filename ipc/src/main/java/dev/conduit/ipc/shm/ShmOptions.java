package dev.conduit.ipc.shm;

import dev.conduit.core.Option;
import dev.conduit.ipc.AllowedUids;
import dev.conduit.ipc.UnixOptions;
import java.time.Duration;
import java.util.List;

/**
 * The options of {@code shm://name} endpoints, beside the common ones of {@link dev.conduit.core.ChannelOptions}.
 *
 * <pre>{@code
 * shm://orders?ringSize=16m&idle=spin&dir=/run/user/1000&helloTimeout=500ms
 * }</pre>
 *
 * <p>{@code idle} chooses how the runtime's shm thread waits: {@code backoff} (the default: spin, yield, then sleep
 * until the peer's wake-up, so an idle channel costs no CPU), {@code spin} (busy-poll; lowest latency, one busy core
 * per runtime) or {@code block} (sleep at once).
 *
 * <p>Messages longer than an eighth of the ring travel in fragments and are reassembled, so any message up to {@code
 * maxFrame} fits any ring; a ring of at least eight times the usual message size keeps them whole and zero-copy.
 *
 * <p>Constants only; thread-safe.
 */
public final class ShmOptions {
    private ShmOptions() {}

    /**
     * Bytes of each direction's ring, a power of two from 4 KiB to 512 MiB; default 1 MiB. The connecting side's value
     * is used; a listener advertises its own in {@code listener.endpoint()}, so clients that connect to that URI use
     * it.
     */
    public static final Option<Integer> RING_SIZE = Option.size(
            "ringSize",
            1 << 20,
            4096,
            1 << 29,
            "bytes of each direction's ring, a power of two; longer messages travel in fragments");

    /**
     * The directory of the listener's control socket and of the segment files: {@code /dev/shm} by default, or the
     * temp directory where {@code /dev/shm} does not exist. Both sides must use the same one.
     */
    public static final Option<String> DIRECTORY = Option.string(
            "dir", null, "directory for the control socket and segment files (default /dev/shm, else the temp dir)");

    /**
     * How long a listener waits for a connecting client's hello; default 2 s. Handshakes run side by side, so a
     * client that connects and says nothing costs the listener one socket until then, and delays nobody else.
     */
    public static final Option<Duration> HELLO_TIMEOUT = Option.duration(
            "helloTimeout", Duration.ofSeconds(2), "how long a listener waits for a connecting client's hello");

    /**
     * The user ids accepted at the other end, checked through the control socket's peer credentials: a client checks
     * the listener's uid before it says hello, a listener checks each client's. Default: only this process's own uid,
     * so a socket squatted by another user under the listener's name is refused, with both uids named. A list is
     * exact ({@code allowUids=0,1000}); {@code *} accepts everyone. The segment files stay owner-only, so another
     * uid can only connect where it may read and write the other side's files (root).
     */
    public static final Option<AllowedUids> ALLOW_UIDS = UnixOptions.ALLOW_UIDS;

    /** Every shm option. */
    public static final List<Option<?>> ALL = List.of(RING_SIZE, DIRECTORY, HELLO_TIMEOUT, ALLOW_UIDS);
}
