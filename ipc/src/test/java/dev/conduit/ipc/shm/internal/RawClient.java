package dev.conduit.ipc.shm.internal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The client's half of an shm handshake done by hand, for tests that play a peer: connects to {@code shm://name} in
 * {@code dir}, creates a segment, lets the test prepare it, says hello and reads the answer. The segment is unlinked
 * on return (the listener maps it if it accepted) and stays mapped here; the caller owns the socket and the segment.
 */
record RawClient(SocketChannel socket, Segment segment, Handshake.Answer answer) {
    /** What a test does to the segment before the hello. */
    interface Preparation {
        void prepare(Segment segment) throws IOException;
    }

    static RawClient connect(Path dir, String name, int ring, boolean mayPark, Preparation preparation)
            throws IOException {
        SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        socket.connect(UnixDomainSocketAddress.of(ShmFiles.socketPath(dir, name)));
        Segment segment = Segment.create(() -> ShmFiles.newSegmentPath(dir, name), ring, ring);
        preparation.prepare(segment);
        Handshake.writeHello(
                socket,
                new Handshake.Hello(
                        mayPark,
                        ring,
                        ring,
                        ProcessHandle.current().pid(),
                        segment.path().toString()));
        Handshake.Answer answer = Handshake.readAnswer(socket);
        segment.unlink();
        return new RawClient(socket, segment, answer);
    }

    /** A fresh segment, as an honest client sends it. */
    static RawClient connect(Path dir, String name, int ring, boolean mayPark) throws IOException {
        return connect(dir, name, ring, mayPark, segment -> {});
    }
}
