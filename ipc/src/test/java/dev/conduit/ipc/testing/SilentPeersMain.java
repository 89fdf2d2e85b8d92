package dev.conduit.ipc.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A careless or hostile peer in a process of its own: connects {@code args[1]} times to the Unix socket {@code
 * args[0]}, says nothing, and prints {@code ready}. Each line {@code count} on stdin prints {@code closed <n>}: how
 * many of its connections the other side has closed. It exits when stdin ends.
 */
public final class SilentPeersMain {
    private SilentPeersMain() {}

    public static void main(String[] args) throws IOException {
        Path socket = Path.of(args[0]);
        List<SocketChannel> silent = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(args[1]); i++) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            silent.add(ch);
        }
        System.out.println("ready");
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        ByteBuffer scratch = ByteBuffer.allocate(256);
        String line;
        while ((line = stdin.readLine()) != null) {
            if (line.equals("count")) {
                int closed = 0;
                for (SocketChannel ch : silent) {
                    try {
                        if (ch.read(scratch.clear()) < 0) {
                            closed++;
                        }
                    } catch (IOException e) {
                        closed++;
                    }
                }
                System.out.println("closed " + closed);
            }
        }
    }
}
