package dev.conduit.ipc.internal;

import java.util.Arrays;

/**
 * The array of links a poller thread serves: copied on every change, so that a round iterates a stable array without
 * a lock, and changed only on the poller's own thread. Stateless helpers; the poller owns its array.
 */
public final class PollerLinks {
    private PollerLinks() {}

    /** {@code links} with {@code link} added at the end. */
    public static <L> L[] with(L[] links, L link) {
        L[] grown = Arrays.copyOf(links, links.length + 1);
        grown[links.length] = link;
        return grown;
    }

    /** {@code links} without {@code link} (compared by identity); {@code links} itself if it is not there. */
    public static <L> L[] without(L[] links, L link) {
        for (int i = 0; i < links.length; i++) {
            if (links[i] == link) {
                L[] shrunk = Arrays.copyOf(links, links.length - 1);
                System.arraycopy(links, i + 1, shrunk, i, links.length - i - 1);
                return shrunk;
            }
        }
        return links;
    }
}
