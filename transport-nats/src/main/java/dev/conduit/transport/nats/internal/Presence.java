package dev.conduit.transport.nats.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How listening instances make themselves known, so that a client can connect to each of them (an RPC client spreads
 * its calls this way) instead of only to the one NATS picks from the queue group.
 *
 * <pre>
 * _CONDUIT.here.&lt;subject&gt;   "here &lt;id&gt;" every second and on request, "gone &lt;id&gt;" when the listener closes
 * _CONDUIT.who.&lt;subject&gt;    any message: every instance announces itself at once
 * _CONDUIT.I.&lt;id&gt;          the instance's own OPEN subject (nats://...?instance=&lt;id&gt;)
 * </pre>
 *
 * An instance not heard from for {@link #FORGET_AFTER} is forgotten (a process killed without a word).
 */
final class Presence {
    private Presence() {}

    static final String HERE = "here";
    static final String GONE = "gone";

    /** How often a listener says it is here. */
    static final Duration ANNOUNCE_EVERY = Duration.ofSeconds(1);

    /** How long a watcher remembers an instance it has not heard from. */
    static final Duration FORGET_AFTER = Duration.ofMillis(3500);

    static String hereSubject(String subject) {
        return "_CONDUIT.here." + subject;
    }

    static String whoSubject(String subject) {
        return "_CONDUIT.who." + subject;
    }

    static String instanceSubject(String instance) {
        return "_CONDUIT.I." + instance;
    }

    static byte[] message(String what, String instance) {
        return (what + " " + instance).getBytes(StandardCharsets.UTF_8);
    }

    /** An announcement: whether it says here or gone, and the instance's id; null if it is not one. */
    record Announcement(boolean here, String instance) {
        static @Nullable Announcement parse(byte[] m) {
            String text = new String(m, StandardCharsets.UTF_8);
            int space = text.indexOf(' ');
            if (space <= 0 || space == text.length() - 1) {
                return null;
            }
            String what = text.substring(0, space);
            String id = text.substring(space + 1);
            if (!id.matches("[A-Za-z0-9]{1,64}") || !(what.equals(HERE) || what.equals(GONE))) {
                return null;
            }
            return new Announcement(what.equals(HERE), id);
        }
    }
}
