package dev.conduit.ipc.queue;

import dev.conduit.core.Option;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The options of {@code queue:///abs/dir} endpoints, beside the common ones of {@link
 * dev.conduit.core.ChannelOptions} ({@code maxFrame}, {@code idle}).
 *
 * <pre>{@code
 * queue:///var/q/orders                                  append only
 * queue:///var/q/orders?reader=billing&from=start        a named reader; replays everything on its first connect
 * queue:///var/q/orders?sync=always&segmentSize=256m     every send completes after fsync
 * queue:///var/q/orders?retain=7d&retainBytes=20g         keep a week, at most 20 GiB
 * }</pre>
 *
 * <p>{@code idle} says how a reader waits at the end of the queue: {@code backoff} (the default: spin, yield, then
 * park), {@code spin} (busy-poll: lowest latency, one busy core per runtime) or {@code block} (park at once). A parked
 * reader looks again every half millisecond, and a writer in the same runtime wakes it at once.
 *
 * <p>Constants only; thread-safe.
 */
public final class QueueOptions {
    private QueueOptions() {}

    /** When a send's record reaches the disk; see {@code ipc/QUEUE.md} for what each mode survives. */
    public enum Sync {
        /**
         * The record is in the file's pages when {@code send} completes; the kernel writes it back in its own time.
         * Survives the crash of any process, not a power loss or a kernel crash. The default.
         */
        NONE,
        /**
         * As {@code none}, and a runtime thread calls {@code fsync} on what was appended at most every few
         * milliseconds. A power loss loses at most the last few milliseconds of sends.
         */
        BATCH,
        /**
         * {@code send} completes only after {@code fsync} has returned for its record; concurrent sends share one
         * {@code fsync}. Survives a power loss for every completed send.
         */
        ALWAYS
    }

    /**
     * The name of a durable reader: {@code receive} and {@code onMessage} deliver from its stored position, which
     * moves past a message once the application has it. Letters, digits, '.', '_' and '-', at most 64. Without a
     * reader a channel only appends.
     */
    public static final Option<String> READER =
            Option.string("reader", null, "name of the durable reader whose position this channel reads from");

    /**
     * Where a reader without a stored position starts: {@code end} (the default: only what is appended from now on),
     * {@code start} (the oldest record still retained) or an index (the first record at or after it).
     */
    public static final Option<String> FROM = Option.of(
            "from",
            "end",
            "start, end or a record index (a number)",
            "where a reader without a stored position starts",
            QueueOptions::parseFrom,
            s -> s);

    /** When sends reach the disk; default {@link Sync#NONE}. */
    public static final Option<Sync> SYNC =
            Option.choice("sync", Sync.class, Sync.NONE, "when sends reach the disk: none, batch or always");

    /**
     * Bytes of each segment file, a multiple of 4096 from 64 KiB to 1 GiB; default 64 MiB. A record never spans two
     * segments, so a message may be at most the segment size less 536 bytes.
     */
    public static final Option<Integer> SEGMENT_SIZE =
            Option.size("segmentSize", 64 << 20, 64 << 10, 1 << 30, "bytes of each segment file, a multiple of 4096");

    /**
     * How long whole segments are kept after they filled up, for example {@code 7d}, {@code 12h}, {@code 30m}; unset
     * keeps them forever. A segment that a named reader has not finished is kept regardless.
     */
    public static final Option<Duration> RETAIN = Option.of(
            "retain",
            null,
            "a duration such as 7d, 12h, 30m, 90s or 500ms",
            "how long full segments are kept",
            QueueOptions::parseLongDuration,
            d -> d.toMillis() + "ms");

    /**
     * The most bytes of segments the queue keeps, for example {@code 20g}; unset means no limit. Over the budget the
     * oldest segments go even if a named reader still needs them; that reader then fails with an error naming the
     * first index it lost, and resumes at the oldest record left.
     */
    public static final Option<Long> RETAIN_BYTES = Option.of(
            "retainBytes",
            null,
            "a size in bytes (suffix k, m, g or t allowed)",
            "the most bytes of segments kept",
            QueueOptions::parseBytes,
            String::valueOf);

    /** Every queue option. */
    public static final List<Option<?>> ALL = List.of(READER, FROM, SYNC, SEGMENT_SIZE, RETAIN, RETAIN_BYTES);

    private static String parseFrom(String s) {
        if (!s.equals("start") && !s.equals("end") && Long.parseLong(s) < 0) {
            throw new IllegalArgumentException("negative index");
        }
        return s;
    }

    private static Duration parseLongDuration(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        String[] units = {"ms", "s", "m", "h", "d"};
        long[] millis = {1, 1000, 60_000, 3_600_000, 86_400_000};
        for (int i = 0; i < units.length; i++) {
            if (t.endsWith(units[i]) && (i != 2 || !t.endsWith("ms"))) {
                long n = Long.parseLong(t.substring(0, t.length() - units[i].length()));
                if (n <= 0) {
                    throw new IllegalArgumentException("not positive");
                }
                return Duration.ofMillis(Math.multiplyExact(n, millis[i]));
            }
        }
        throw new IllegalArgumentException("no unit");
    }

    private static Long parseBytes(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        int shift = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        long n = Long.parseLong(shift == 0 ? t : t.substring(0, t.length() - 1));
        if (n <= 0) {
            throw new IllegalArgumentException("not positive");
        }
        return Math.multiplyExact(n, 1L << shift);
    }
}
