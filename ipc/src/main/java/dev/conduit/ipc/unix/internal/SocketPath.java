package dev.conduit.ipc.unix.internal;

import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.transport.netty.NettyEngine;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a Unix socket lives: a file path ({@code unix:///run/app.sock}) or, on Linux, a name in the abstract namespace
 * ({@code unix:@app}). Checked against the OS limit on {@code sun_path} up front, because the kernel interface would
 * otherwise truncate the path silently.
 */
record SocketPath(String name, boolean isAbstract) {

    /** The size of {@code sockaddr_un.sun_path} here: 108 bytes on Linux, 104 on macOS and the BSDs. */
    static final int SUN_PATH_SIZE = sunPathSize(System.getProperty("os.name", ""));

    static int sunPathSize(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        return os.contains("mac") || os.contains("bsd") || os.contains("darwin") ? 104 : 108;
    }

    /**
     * The socket address of {@code endpoint}.
     *
     * @throws EndpointException if the address is not an absolute path or {@code @name}, is too long for {@code
     *     sun_path}, or names an abstract socket where there are none (not Linux, or {@code io=nio})
     */
    static SocketPath of(Endpoint endpoint, NettyEngine engine) {
        String address = endpoint.address();
        if (address.startsWith("@")) {
            String name = address.substring(1);
            if (name.isEmpty()) {
                throw new EndpointException(endpoint + " names no abstract socket; expected unix:@name");
            }
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
                throw new EndpointException("abstract sockets (" + endpoint + ") exist only on Linux");
            }
            if (engine == NettyEngine.NIO) {
                throw new EndpointException("abstract sockets (" + endpoint
                        + ") need a native engine: the JDK's domain sockets (io=nio) accept only file paths");
            }
            // The name follows a leading NUL byte and is not NUL-terminated.
            checkLength(endpoint, "abstract socket name", bytes(name) + 1, SUN_PATH_SIZE);
            return new SocketPath(name, true);
        }
        if (!address.startsWith("/")) {
            throw new EndpointException(endpoint + " needs an absolute path, for example unix:///run/app.sock, or an"
                    + " abstract name, for example unix:@app (got '" + address + "')");
        }
        // A path is NUL-terminated inside sun_path.
        checkLength(endpoint, "socket path", bytes(address) + 1, SUN_PATH_SIZE);
        return new SocketPath(address, false);
    }

    private static void checkLength(Endpoint endpoint, String what, int needed, int limit) {
        if (needed > limit) {
            throw new EndpointException(what + " of " + endpoint + " is too long: it needs " + needed
                    + " bytes and sun_path holds " + limit + " on this OS (" + (limit - 1)
                    + " bytes of path plus the terminating NUL); use a shorter path");
        }
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The socket file, for path sockets. */
    Path file() {
        if (isAbstract) {
            throw new IllegalStateException("abstract sockets have no file");
        }
        return Path.of(name);
    }

    /** The address for Netty's native engines; an abstract name is the name after a NUL byte. */
    SocketAddress nativeAddress() {
        return new DomainSocketAddress(isAbstract ? "\0" + name : name);
    }

    /** The address for {@code engine}. */
    SocketAddress address(NettyEngine engine) {
        return engine == NettyEngine.NIO ? UnixDomainSocketAddress.of(name) : nativeAddress();
    }

    /** The endpoint that names this socket, without options. */
    Endpoint endpoint() {
        return isAbstract ? Endpoint.parse("unix:@a").withAddress("@" + name) : Endpoint.of("unix", name);
    }

    @Override
    public String toString() {
        return isAbstract ? "@" + name : name;
    }
}
