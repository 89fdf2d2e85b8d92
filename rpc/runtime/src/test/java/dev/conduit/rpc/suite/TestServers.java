package dev.conduit.rpc.suite;

import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.core.testkit.JavaCommand;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.transport.netty.NettyEngine;
import dev.conduit.transport.netty.testkit.NativeEngines;
import dev.conduit.transport.socket.internal.TestPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** Starts the suite's server: in this JVM, or in a child JVM for transports whose real use crosses processes. */
public final class TestServers {
    private TestServers() {}

    /** The server's largest accepted request: small, so that the oversized-message test stays cheap. */
    static final int MAX_MESSAGE_SIZE = 256 << 10;
    /** The server's per-call window for requests: small, so that flow-control tests need few messages. */
    static final int SERVER_WINDOW = 16 << 10;
    /** Fifo paths a fifo server listens on: more than any test holds connections at once. */
    static final int FIFO_POOL = 16;

    /**
     * A running server: the URI clients connect to, and how to stop it.
     *
     * @param uris gives the URI for each new connection: the same one, except where a listener serves one peer at a
     *     time (fifo)
     * @param stop stops the server and frees what it holds
     */
    public record Handle(Supplier<String> uris, Runnable stop) implements AutoCloseable {
        Handle(String uri, Runnable stop) {
            this(() -> uri, stop);
        }

        /** What the next connection connects to. */
        public String uri() {
            return uris.get();
        }

        @Override
        public void close() {
            stop.run();
        }
    }

    static RpcServer start(Conduit conduit, String... listenUris) {
        return start(conduit, null, listenUris);
    }

    /** The suite's server, with {@code extra} beside the suite's service if not null. */
    static RpcServer start(Conduit conduit, @Nullable ServiceDefinition extra, String... listenUris) {
        RpcServer.Builder builder = RpcServer.builder(conduit);
        for (String uri : listenUris) {
            builder.listen(uri);
        }
        if (extra != null) {
            builder.addService(extra);
        }
        return builder.addService(new TestService().definition())
                .maxMessageSize(MAX_MESSAGE_SIZE)
                .initialWindow(SERVER_WINDOW)
                .closeTimeout(java.time.Duration.ofSeconds(2))
                .start();
    }

    /** A fresh path in a new temporary directory, for socket files. */
    static String tempPath(String name) {
        return tempDir() + "/" + name;
    }

    /** A new temporary directory, for socket and segment files; removed at exit, when the transports have emptied it. */
    static String tempDir() {
        try {
            Path dir = java.nio.file.Files.createTempDirectory("conduit-rpc");
            dir.toFile().deleteOnExit();
            return dir.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server in this JVM, with a runtime of its own. */
    static Handle inProcess(String listenUri) {
        return inProcess(new String[] {listenUri}, server -> {
            String uri = server.endpoints().get(0).toString();
            return () -> uri;
        });
    }

    /** A server in this JVM on {@code listenUris}, with a runtime of its own; {@code uris} says whom to connect to. */
    private static Handle inProcess(String[] listenUris, Function<RpcServer, Supplier<String>> uris) {
        Conduit conduit = Conduit.builder().name("server").build();
        RpcServer server;
        try {
            server = start(conduit, listenUris);
        } catch (RuntimeException e) {
            conduit.close();
            throw e;
        }
        return new Handle(uris.apply(server), () -> {
            server.close();
            conduit.close();
        });
    }

    /** Stands for the address of the test JVM's nats-server in a nats:// case's URI, which is known only once started. */
    static final String NATS_SERVER = "nats-server";

    private static final AtomicInteger NATS_SUBJECTS = new AtomicInteger();

    /**
     * A server in this JVM on a subject of the test JVM's nats-server (skipped where none is installed, failed where
     * NATS is required).
     */
    static Handle nats(String listenUri) {
        String address = dev.conduit.transport.nats.testing.NatsServer.shared().address();
        String subject = "." + ProcessHandle.current().pid() + "." + NATS_SUBJECTS.incrementAndGet();
        return inProcess(listenUri.replace(NATS_SERVER, address) + subject);
    }

    /** A server in this JVM over io_uring, where it works (see {@link NativeEngines}); else the case is skipped. */
    static Handle ioUring(String listenUri) {
        NativeEngines.assumeAvailable(NettyEngine.IO_URING);
        return inProcess(listenUri);
    }

    /** A server in this JVM over TLS with the test PKI; clients trust it through the bound endpoint's tls.trust. */
    static Handle tls(String listenUri) {
        TestPki pki = TestPki.get();
        return inProcess(listenUri + "?" + pki.serverOptions() + "&tls.trust=" + pki.ca());
    }

    /**
     * A server in this JVM on {@link #FIFO_POOL} fifo paths in the directory {@code fifo://<dir>}. A fifo listener
     * serves one peer at a time, so each connection gets the next path: the first (the suite's own channel, held for
     * the whole class) a path of its own, later ones the others in turn, which are free again when they come round.
     */
    static Handle fifoPool(String listenUri) {
        String dir = Endpoint.parse(listenUri).address();
        String[] uris = new String[FIFO_POOL];
        for (int i = 0; i < uris.length; i++) {
            uris[i] = "fifo://" + dir + "/rpc" + i;
        }
        return inProcess(uris, server -> {
            AtomicInteger next = new AtomicInteger();
            return () -> {
                int n = next.getAndIncrement();
                return server.endpoints()
                        .get(n == 0 ? 0 : 1 + (n - 1) % (uris.length - 1))
                        .toString();
            };
        });
    }

    /**
     * Servers in child JVMs on {@code pipe:}: each connection to the returned URI spawns a JVM serving the suite's
     * service on its own stdin and stdout.
     */
    static Handle pipeChildren(String listenUri) {
        String cmd =
                dev.conduit.ipc.Pipes.commandLine(JavaCommand.of(List.of("-Xmx256m"), TestServerMain.class, listenUri));
        String uri = dev.conduit.core.Endpoint.parse("pipe:")
                .with(dev.conduit.ipc.PipeOptions.CMD, cmd)
                .toString();
        return new Handle(uri, () -> {
            // Each child ends with its connection.
        });
    }

    /** A server in a child JVM with this JVM's classpath; waits for its {@code listening on} line. */
    static Handle childProcess(String listenUri) {
        return childProcess(listenUri, p -> {});
    }

    /** Like {@link #childProcess(String)}; {@code started} gets the process, for a test that kills it. */
    static Handle childProcess(String listenUri, java.util.function.Consumer<Process> started) {
        return childProcess(started, listenUri);
    }

    /**
     * A server in a child JVM that also answers {@link Whoami} with {@code name} (failing with UNAVAILABLE until its
     * process reads {@code serve} on stdin, if {@code failing}); {@code started} gets the process.
     */
    static Handle namedChild(
            String listenUri, String name, boolean failing, java.util.function.Consumer<Process> started) {
        return failing ? childProcess(started, listenUri, name, "failing") : childProcess(started, listenUri, name);
    }

    /** A child JVM running {@link TestServerMain} with {@code args}, the first of which is the URI to listen on. */
    private static Handle childProcess(java.util.function.Consumer<Process> started, String... args) {
        String listenUri = args[0];
        List<String> command = JavaCommand.of(List.of("-Xmx256m"), TestServerMain.class, args);
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first;
        try {
            first = CompletableFuture.supplyAsync(() -> {
                        try {
                            return out.readLine();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IllegalStateException("the server process for " + listenUri + " did not start", e);
        }
        if (first == null || !first.startsWith("listening on ")) {
            p.destroyForcibly();
            throw new IllegalStateException("the server process printed " + first);
        }
        String uri = first.substring("listening on ".length()).trim();
        started.accept(p);
        return new Handle(uri, () -> {
            try {
                p.getOutputStream().close();
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (IOException e) {
                p.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        });
    }
}
