package dev.conduit.rpc.internal;

import dev.conduit.core.Channel;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.rpc.ChannelFactory;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.ServerCallHandler;
import dev.conduit.rpc.ServerCallTracer;
import dev.conduit.rpc.ServerMethodDefinition;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.internal.grpc.GrpcTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ObjIntConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an {@link dev.conduit.rpc.RpcServer} is made of: listeners on every endpoint, the method registry, the
 * connections, and the shutdown sequence (GOAWAY, drain, cancel the rest, close listeners).
 */
public final class ServerCore {
    private static final Logger log = LoggerFactory.getLogger(ServerCore.class);

    /** A registered method: its descriptor and its handler, interceptors included. */
    private record Method<Req, Resp>(MethodDescriptor<Req, Resp> descriptor, ServerCallHandler<Req, Resp> handler) {
        ServerCallImpl<Req, Resp> newCall(
                ServerCarrier carrier, int id, Frame start, @Nullable ServerCallTracer tracer) {
            return new ServerCallImpl<>(carrier, id, descriptor, handler, start, tracer);
        }
    }

    private final Conduit conduit;
    private final RpcConfig config;
    private final Map<String, Method<?, ?>> methods = new HashMap<>();
    private final Executor executor;
    private final FrameCodec codec;
    private final List<ServerBinding> listeners = new ArrayList<>();
    private final GrpcServerSettings grpcSettings;
    private final ServerCallTracer.@Nullable Factory tracer;
    private final Set<ServedConnection> connections = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean shutdown;

    /**
     * @param executor the handlers' executor, or null for the runtime's ({@link
     *     dev.conduit.core.RuntimeScheduler#executor()}): the server starts no thread of its own
     */
    public ServerCore(
            Conduit conduit,
            List<ServerMethodDefinition<?, ?>> definitions,
            @Nullable Executor executor,
            int maxMessageSize,
            int initialWindow,
            Duration keepAliveTime,
            Duration keepAliveTimeout,
            Duration handshakeTimeout,
            GrpcServerSettings grpcSettings,
            ServerCallTracer.@Nullable Factory tracer) {
        this.conduit = conduit;
        this.tracer = tracer;
        this.grpcSettings = grpcSettings;
        this.config = new RpcConfig(
                maxMessageSize, initialWindow, keepAliveTime, keepAliveTimeout, handshakeTimeout, conduit.scheduler());
        for (ServerMethodDefinition<?, ?> d : definitions) {
            if (methods.put(d.descriptor().fullName(), method(d)) != null) {
                throw new IllegalArgumentException(d.descriptor().fullName() + " is registered twice");
            }
        }
        this.executor = executor != null ? executor : conduit.scheduler().executor();
        this.codec = new FrameCodec(maxMessageSize);
    }

    private static <Req, Resp> Method<Req, Resp> method(ServerMethodDefinition<Req, Resp> d) {
        return new Method<>(d.descriptor(), d.handler());
    }

    /**
     * Listens on every endpoint; if one fails, closes those already bound and rethrows.
     *
     * @return the bound endpoints, in order
     */
    public List<Endpoint> listen(List<Endpoint> endpoints) {
        List<Endpoint> bound = new ArrayList<>();
        try {
            for (Endpoint e : endpoints) {
                ServerBinding l;
                if (GrpcTransport.serves(e)) {
                    l = GrpcTransport.listen(e, conduit.transportContext(), this);
                } else {
                    Endpoint rpc = Endpoints.forRpc(e, config.maxMessageSize());
                    try {
                        l = ServerBinding.of(conduit.listen(rpc, codec, this::accepted));
                    } catch (RuntimeException failure) {
                        throw Endpoints.restate(failure, rpc, e);
                    }
                }
                lock.lock();
                try {
                    listeners.add(l);
                } finally {
                    lock.unlock();
                }
                bound.add(Endpoints.reported(l.endpoint(), e));
            }
        } catch (RuntimeException e) {
            shutdownNow();
            throw e;
        }
        return bound;
    }

    /** Serves one channel opened by {@code factory}. */
    public CompletableFuture<Void> serve(ChannelFactory factory) {
        return factory.open(codec).thenAccept(this::accepted);
    }

    private void accepted(Channel<Frame> channel) {
        ServerConnection conn = new ServerConnection(channel, config, this);
        connections.add(conn);
        if (shutdown) {
            conn.goAway(); // before its first frame: a call must not slip in ahead of the GOAWAY
        }
        conn.start();
    }

    /**
     * Starts the call that {@code start} (a CALL_START frame) asks for: creates it, hands it to {@code register}
     * (so that frames can reach it), then begins it. On the carrier's reading thread.
     *
     * @return false if the server has no such method (nothing was created)
     */
    public boolean startCall(ServerCarrier carrier, Frame start, ObjIntConsumer<CarriedCall> register) {
        Method<?, ?> method = methods.get(start.method());
        ServerCallTracer t = tracer == null ? null : newTracer(carrier, start, method != null);
        if (method == null) {
            if (t != null) {
                t.callEnded(Status.UNIMPLEMENTED);
            }
            return false;
        }
        ServerCallImpl<?, ?> call = method.newCall(carrier, start.callId, start, t);
        register.accept(call, start.callId);
        call.begin(start);
        return true;
    }

    private ServerCallTracer newTracer(ServerCarrier carrier, Frame start, boolean registered) {
        Metadata headers = start.metadata != null ? start.metadata : new Metadata();
        return Objects.requireNonNull(tracer)
                .newCallTracer(
                        start.method(), registered, carrier.remoteEndpoint().scheme(), headers);
    }

    /** The server's settings. */
    public RpcConfig config() {
        return config;
    }

    /** The settings of its {@code grpc://} connections. */
    public GrpcServerSettings grpcSettings() {
        return grpcSettings;
    }

    /** Where handlers run. */
    public Executor executor() {
        return executor;
    }

    /**
     * A connection served by another carrier (HTTP/2) has opened. If the server is shutting down it is told to go
     * away at once.
     */
    public void connectionOpened(ServedConnection conn) {
        connections.add(conn);
        if (shutdown) {
            conn.goAway();
        }
    }

    /** A connection has closed; called once per connection. */
    public void connectionClosed(ServedConnection conn) {
        connections.remove(conn);
        if (shutdown && connections.isEmpty()) {
            terminate();
        }
    }

    /**
     * Stops taking new calls; calls in flight continue. The listeners stop accepting at once, so the server's ports,
     * socket files and names are free while it drains; each connection gets a GOAWAY.
     */
    public void shutdown() {
        shutdown = true;
        List<ServerBinding> listening;
        lock.lock();
        try {
            listening = List.copyOf(listeners);
        } finally {
            lock.unlock();
        }
        listening.forEach(ServerBinding::stopAccepting);
        for (ServedConnection c : List.copyOf(connections)) {
            c.goAway();
        }
        if (connections.isEmpty()) {
            terminate();
        }
    }

    /**
     * Shuts down and cancels every call in flight: each connection sends GOAWAY (if it has not), a CALL_END
     * UNAVAILABLE for each of its calls, and closes once those are written. The listeners close when the last
     * connection has (see {@link #connectionClosed}).
     */
    public void shutdownNow() {
        shutdown = true;
        Status status = Status.UNAVAILABLE.withDescription("the server shut down before the call completed");
        for (ServedConnection c : List.copyOf(connections)) {
            c.shutdownNow(status);
        }
        if (connections.isEmpty()) {
            terminate();
        }
    }

    private void terminate() {
        List<ServerBinding> toClose;
        lock.lock();
        try {
            toClose = List.copyOf(listeners);
            listeners.clear();
        } finally {
            lock.unlock();
        }
        for (ServerBinding l : toClose) {
            l.close();
        }
        CompletableFuture<?>[] closing =
                toClose.stream().map(ServerBinding::closeFuture).toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(closing).whenComplete((v, e) -> {
            if (connections.isEmpty()) {
                terminated.complete(null);
            }
        });
    }

    /** Waits, without a time limit, until every connection and listener is closed. */
    public void awaitTermination() throws InterruptedException {
        try {
            terminated.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until every connection and listener is closed. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        try {
            terminated.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean isShutdown() {
        return shutdown;
    }

    public boolean isTerminated() {
        return terminated.isDone();
    }

    /** Calls in flight, over every connection. */
    public int activeCalls() {
        return connections.stream().mapToInt(ServedConnection::activeCalls).sum();
    }

    /** Graceful shutdown for up to {@code grace}, then cancels what remains. */
    public void close(Duration grace) {
        shutdown();
        try {
            if (!awaitTermination(grace)) {
                log.info("RPC server: {} call(s) still running after {}; cancelling them", activeCalls(), grace);
                shutdownNow();
                awaitTermination(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdownNow();
        } finally {
            // Whatever did not close by itself in time: listeners (and their channels), served channels.
            terminate();
            connections.forEach(c -> c.forceClose("server closed"));
        }
    }
}
