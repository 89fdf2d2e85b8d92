package dev.conduit.ipc.testing;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of the scripts under {@code src/test/resources}. */
public final class Scripts {
    private Scripts() {}

    /** The Python frames peer ({@code pipe/frames_peer.py}). */
    public static Path framesPeer() {
        try {
            return Path.of(Scripts.class.getResource("/pipe/frames_peer.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
