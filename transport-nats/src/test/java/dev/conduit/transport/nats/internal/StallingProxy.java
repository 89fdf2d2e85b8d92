package dev.conduit.transport.nats.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on loopback in front of a NATS server whose server-to-client direction can be stalled: the server then
 * sees a client that stops reading, which it drops as a slow consumer, while the client itself stays healthy and
 * reconnects through the proxy once it is resumed.
 *
 * <p>Thread-safe; one thread per direction and connection, all stopped by {@link #close()}.
 */
final class StallingProxy implements AutoCloseable {
    private final ServerSocket listening;
    private final int serverPort;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean stalled;

    StallingProxy(int serverPort) throws IOException {
        this.serverPort = serverPort;
        this.listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    /** {@code 127.0.0.1:<port>} of the proxy, for {@code nats://} endpoints. */
    String address() {
        return "127.0.0.1:" + listening.getLocalPort();
    }

    /** Stops passing what the server sends; the server's socket buffers fill, then its pending bytes grow. */
    void stall() {
        synchronized (gate) {
            stalled = true;
        }
    }

    void resume() {
        synchronized (gate) {
            stalled = false;
            gate.notifyAll();
        }
    }

    private void acceptLoop() {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Socket server = new Socket();
                // A small receive buffer, so that a stall backs up into the server quickly.
                server.setReceiveBufferSize(16 << 10);
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort));
                sockets.add(client);
                sockets.add(server);
                threads.execute(() -> pump(client, server, false));
                threads.execute(() -> pump(server, client, true));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean stallable) {
        byte[] buffer = new byte[8 << 10];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            while (true) {
                if (stallable) {
                    awaitNotStalled();
                }
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException | InterruptedException e) {
            // one side closed, or the proxy is closing
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void awaitNotStalled() throws InterruptedException {
        synchronized (gate) {
            while (stalled) {
                gate.wait();
            }
        }
    }

    @Override
    public void close() throws Exception {
        listening.close();
        sockets.forEach(StallingProxy::closeQuietly);
        resume();
        threads.shutdownNow();
        if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("proxy threads did not stop within 10 s");
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
