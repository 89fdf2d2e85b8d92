package dev.conduit.ipc.internal;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.security.Principal;
import java.util.List;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * User ids: this process's, a file owner's, and a socket peer's. The JDK reports a peer ({@code SO_PEERCRED}) as
 * user and group principals, named by the account database, so names are mapped back to ids here. Thread-safe.
 */
public final class Uids {
    private static final int OWN = (int) new UnixSystem().getUid();

    private Uids() {}

    /** This process's user id. */
    public static int own() {
        return OWN;
    }

    /** The user id of the process at the other end of a connected Unix socket ({@code SO_PEERCRED}), or -1. */
    public static int peerOf(SocketChannel channel) {
        try {
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return peer == null ? -1 : of(peer.user());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The user id of whoever owns {@code path} (not following a link), or -1 if it cannot be read. */
    public static int ownerOf(Path path) {
        try {
            return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The permission bits of {@code path} in octal, such as {@code 0600}, or {@code ?} if they cannot be read. */
    public static String modeOf(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return String.format("%04o", mode & 07777);
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * The numeric id behind a JDK user or group principal: the JDK names an account by its id when the system has no
     * name for it, and otherwise by its name in the account database, which is looked up here ({@code /etc/passwd}
     * or {@code /etc/group}). -1 if it cannot be mapped.
     */
    public static int of(Principal principal) {
        String name = principal.getName();
        if (name.matches("\\d+")) {
            return Integer.parseInt(name);
        }
        String database = principal instanceof GroupPrincipal
                ? "/etc/group"
                : principal instanceof UserPrincipal ? "/etc/passwd" : null;
        if (database == null) {
            return -1;
        }
        try {
            List<String> lines = Files.readAllLines(Path.of(database));
            for (String line : lines) {
                String[] fields = line.split(":", -1);
                if (fields.length > 2 && fields[0].equals(name) && fields[2].matches("\\d+")) {
                    return Integer.parseInt(fields[2]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
