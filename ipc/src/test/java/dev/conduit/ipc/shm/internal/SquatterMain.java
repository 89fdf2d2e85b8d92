package dev.conduit.ipc.shm.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Another user squatting shm names, in a process of its own (run it as another uid):
 *
 * <ul>
 *   <li>{@code socket <path>}: binds a Unix socket at a listener's control-socket path first, answers whoever connects
 *       with a forged "accepted", prints {@code listening}, and on each stdin line {@code count} prints {@code got <n>
 *       bytes}: what its callers told it (a hello would give away a segment path);
 *   <li>{@code segments <dir> <name> <pid> <count>}: creates segment files ahead of a client, under the names the
 *       client with that pid would have picked were they predictable ({@code -1.seg} and on), and prints {@code
 *       created <count>}.
 * </ul>
 *
 * It exits when stdin ends.
 */
public final class SquatterMain {
    private SquatterMain() {}

    public static void main(String[] args) throws Exception {
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (args[0].equals("segments")) {
            Path dir = Path.of(args[1]);
            int count = Integer.parseInt(args[4]);
            for (int n = 1; n <= count; n++) {
                Files.createFile(dir.resolve("conduit-shm-" + args[2] + "-" + args[3] + "-" + n + ".seg"));
            }
            System.out.println("created " + count);
            stdin.readLine();
            return;
        }
        Path path = Path.of(args[1]);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        AtomicLong received = new AtomicLong();
        Thread acceptor = new Thread(() -> serve(server, received));
        acceptor.setDaemon(true);
        acceptor.start();
        System.out.println("listening");
        String line;
        while ((line = stdin.readLine()) != null) {
            if (line.equals("count")) {
                System.out.println("got " + received.get() + " bytes");
            }
        }
        server.close();
        Files.deleteIfExists(path);
    }

    private static void serve(ServerSocketChannel server, AtomicLong received) {
        while (true) {
            try (SocketChannel client = server.accept()) {
                Handshake.writeAnswer(client, new Handshake.Answer(true, true, ""));
                ByteBuffer b = ByteBuffer.allocate(4096);
                int n;
                while ((n = client.read(b.clear())) > 0) {
                    received.addAndGet(n);
                }
            } catch (IOException e) {
                return;
            }
        }
    }
}
