package dev.conduit.ipc;

import dev.conduit.core.Option;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The peer user ids a {@code unix://} or {@code shm://} endpoint accepts, as the {@code allowUids} option gives them:
 * a list ({@code allowUids=1000,1001}) or everyone ({@code allowUids=*}). The list is exact: a process's own uid is
 * accepted only if it is listed. Where the option is absent each transport has its default (see {@link
 * UnixOptions#ALLOW_UIDS} and {@code ShmOptions.ALLOW_UIDS}).
 *
 * <p>Immutable; thread-safe.
 */
public final class AllowedUids {
    /** Every uid: {@code allowUids=*}. */
    public static final AllowedUids ANY = new AllowedUids(null);

    /** The {@code allowUids} option, shared by {@code unix://} and {@code shm://}. */
    static final Option<AllowedUids> OPTION = Option.of(
            "allowUids",
            null,
            "comma-separated user ids, for example 1000,1001, or * for every user",
            "peer uids accepted (unix: every peer on a socket file, the own uid on an abstract name; shm: the own"
                    + " uid)",
            AllowedUids::parse,
            AllowedUids::toString);

    private final @Nullable Set<Integer> uids;

    private AllowedUids(@Nullable Set<Integer> uids) {
        this.uids = uids;
    }

    /** Exactly these uids. */
    public static AllowedUids of(int... uids) {
        return new AllowedUids(Arrays.stream(uids).boxed().collect(Collectors.toUnmodifiableSet()));
    }

    /** Whether everyone is accepted. */
    public boolean isAny() {
        return uids == null;
    }

    /** Whether a peer running as {@code uid} is accepted. */
    public boolean allows(int uid) {
        return uids == null || uids.contains(uid);
    }

    /** {@code *}, or the uids comma-separated in ascending order, as the option writes them. */
    @Override
    public String toString() {
        return uids == null
                ? "*"
                : new TreeSet<>(uids).stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof AllowedUids other && Objects.equals(uids, other.uids);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(uids);
    }

    static AllowedUids parse(String text) {
        if (text.trim().equals("*")) {
            return ANY;
        }
        Set<Integer> ids = new TreeSet<>();
        for (String part : text.split(",", -1)) {
            int id = Integer.parseInt(part.trim());
            if (id < 0) {
                throw new IllegalArgumentException("negative id");
            }
            ids.add(id);
        }
        return new AllowedUids(Set.copyOf(ids));
    }
}
