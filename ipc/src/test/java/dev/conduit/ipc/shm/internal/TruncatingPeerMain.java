package dev.conduit.ipc.shm.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A hostile peer in a process of its own: connects to {@code shm://<args[1]>} in directory {@code args[0]} with a
 * correct handshake, keeping a descriptor of its segment file, and prints {@code ready}. On the line {@code truncate}
 * from stdin it truncates the file to nothing, so that every access the listener makes to that memory is a bus
 * error, sends a wake-up and prints {@code truncated}. It then prints what the listener tells it on the control
 * socket ({@code listener said: ...}), and lives until stdin closes, so that its link cannot close for its death.
 */
public final class TruncatingPeerMain {
    private TruncatingPeerMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String name = args[1];
        int ring = 4096;
        FileChannel[] file = new FileChannel[1];
        RawClient raw = RawClient.connect(
                dir,
                name,
                ring,
                true,
                segment ->
                        file[0] = FileChannel.open(segment.path(), StandardOpenOption.READ, StandardOpenOption.WRITE));
        SocketChannel socket = raw.socket();
        Handshake.Answer answer = raw.answer();
        System.out.println(answer.accepted() ? "ready" : "refused: " + answer.message());
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (!"truncate".equals(stdin.readLine())) {
            return;
        }
        file[0].truncate(0);
        socket.write(ByteBuffer.wrap(new byte[] {Handshake.WAKE}));
        System.out.println("truncated");
        ByteBuffer said = ByteBuffer.allocate(4096);
        try {
            while (socket.read(said) > 0) {
                // until the listener closes its end
            }
        } catch (IOException reset) {
            // A listener that closes with our WAKE byte still unread (a spinning poller never needs it) resets the
            // connection: Linux delivers what it sent first, then ECONNRESET. What was said is in the buffer.
        }
        said.flip();
        String text = "";
        if (said.remaining() >= 3 && said.get(0) == Handshake.FAULT) {
            text = StandardCharsets.UTF_8
                    .decode(said.position(3).limit(Math.min(said.limit(), 3 + (said.getShort(1) & 0xffff))))
                    .toString();
        }
        System.out.println("listener said: " + text);
        stdin.readLine();
    }
}
