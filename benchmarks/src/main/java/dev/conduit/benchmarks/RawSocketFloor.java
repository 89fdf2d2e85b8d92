package dev.conduit.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under any socket transport: a round trip of 64 B over a bare JDK {@code SocketChannel}, unix or tcp, no
 * Netty, no Conduit, no framing, both ends busy-polling non-blocking reads (the best {@code idle=spin} can do). It
 * tells what the kernel itself makes of unix against tcp on this machine, so that the transports' ratio can be read
 * against it.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RawSocketFloor {
    @Param({"unix", "tcp"})
    String transport;

    @Param({"64"})
    int size;

    private Path dir;
    private ServerSocketChannel server;
    private SocketChannel client;
    private SocketChannel accepted;
    private Thread echo;
    private volatile boolean running;
    private ByteBuffer out;
    private ByteBuffer in;

    @Setup(Level.Trial)
    public void start() throws IOException {
        SocketAddress bind;
        if (transport.equals("unix")) {
            dir = Files.createTempDirectory("raw-floor");
            bind = UnixDomainSocketAddress.of(dir.resolve("s.sock"));
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        } else {
            bind = new InetSocketAddress("127.0.0.1", 0);
            server = ServerSocketChannel.open();
        }
        server.bind(bind);
        client = transport.equals("unix")
                ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open(StandardProtocolFamily.INET);
        client.connect(server.getLocalAddress());
        accepted = server.accept();
        if (transport.equals("tcp")) {
            client.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            accepted.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
        }
        client.configureBlocking(false);
        accepted.configureBlocking(false);
        out = ByteBuffer.allocateDirect(size);
        in = ByteBuffer.allocateDirect(size);
        running = true;
        echo = new Thread(this::echo, "raw-echo");
        echo.setDaemon(true);
        echo.start();
    }

    /** Reads {@code size} bytes as they come and writes them back, spinning. */
    private void echo() {
        ByteBuffer buf = ByteBuffer.allocateDirect(size);
        try {
            while (running) {
                buf.clear();
                while (buf.hasRemaining() && running) {
                    if (accepted.read(buf) < 0) {
                        return;
                    }
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    accepted.write(buf);
                }
            }
        } catch (IOException e) {
            if (running) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        running = false;
        client.close();
        echo.join(5_000);
        accepted.close();
        server.close();
        if (dir != null) {
            Files.deleteIfExists(dir.resolve("s.sock"));
            Files.deleteIfExists(dir);
        }
    }

    /** One round trip: write {@code size} bytes, spin until they are back. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public int roundTripRate() throws IOException {
        out.clear();
        while (out.hasRemaining()) {
            client.write(out);
        }
        in.clear();
        while (in.hasRemaining()) {
            if (client.read(in) < 0) {
                throw new IOException("echo closed");
            }
        }
        return in.get(0);
    }
}
