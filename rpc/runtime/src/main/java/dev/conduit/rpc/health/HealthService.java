package dev.conduit.rpc.health;

import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.ServerResponseObserver;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.health.v1.HealthCheckRequest;
import dev.conduit.rpc.health.v1.HealthCheckResponse;
import dev.conduit.rpc.health.v1.HealthCheckResponse.ServingStatus;
import dev.conduit.rpc.health.v1.HealthListRequest;
import dev.conduit.rpc.health.v1.HealthListResponse;
import dev.conduit.rpc.health.v1.HealthProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * gRPC's health service ({@code grpc.health.v1.Health}: Check, List, Watch) and the application's handle on the
 * statuses it reports. Serve it with one builder call, then set statuses whenever they change:
 *
 * <pre>{@code
 * HealthService health = new HealthService();
 * try (RpcServer server = RpcServer.builder(conduit)
 *         .listen("tcp://127.0.0.1:7000")
 *         .addService(KvRpc.bindService(store))
 *         .addHealthService(health)
 *         .start()) {
 *     health.setStatus(KvRpc.SERVICE_NAME, ServingStatus.SERVING);
 *     ...
 * }
 * }</pre>
 *
 * <p>The server as a whole is the service named {@code ""}; it starts {@code SERVING}. Any other service has no status
 * until one is set: Check answers {@code NOT_FOUND} for it, Watch {@code SERVICE_UNKNOWN}. When the server's shutdown
 * starts (or on {@link #enterShutdown()}), every status turns {@code NOT_SERVING} for good, and each Watch call gets
 * that last status and then ends with {@code UNAVAILABLE}, so that watchers do not hold a graceful shutdown open.
 *
 * <p>Thread-safe: statuses may be set from any thread. A watcher that does not read gets only the latest status once it
 * reads again, never a growing backlog. Nothing to close.
 */
public final class HealthService {
    /** {@code grpc.health.v1.Health}. */
    public static final String SERVICE_NAME = "grpc.health.v1.Health";

    /** The status of one service now. */
    public static final MethodDescriptor<HealthCheckRequest, HealthCheckResponse> CHECK = MethodDescriptor.protobuf(
                    SERVICE_NAME + "/Check",
                    MethodType.UNARY,
                    HealthCheckRequest.getDefaultInstance(),
                    HealthCheckResponse.getDefaultInstance())
            .asRegistered();

    /** Every status, at most {@value #LIST_LIMIT} services. */
    public static final MethodDescriptor<HealthListRequest, HealthListResponse> LIST = MethodDescriptor.protobuf(
                    SERVICE_NAME + "/List",
                    MethodType.UNARY,
                    HealthListRequest.getDefaultInstance(),
                    HealthListResponse.getDefaultInstance())
            .asRegistered();

    /** The status now, then every change. */
    public static final MethodDescriptor<HealthCheckRequest, HealthCheckResponse> WATCH = MethodDescriptor.protobuf(
                    SERVICE_NAME + "/Watch",
                    MethodType.SERVER_STREAMING,
                    HealthCheckRequest.getDefaultInstance(),
                    HealthCheckResponse.getDefaultInstance())
            .asRegistered();

    /** The most services List answers with; beyond, it fails with RESOURCE_EXHAUSTED, as the protocol says. */
    public static final int LIST_LIMIT = 100;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, ServingStatus> statuses = new HashMap<>();
    private final Map<String, Set<HealthWatcher>> watchers = new HashMap<>();
    private boolean shutdown;
    private final ServiceDefinition definition;

    /** A health service whose overall status ({@code ""}) is {@code SERVING} and which knows no other service yet. */
    public HealthService() {
        statuses.put("", ServingStatus.SERVING);
        definition = ServiceDefinition.builder(SERVICE_NAME)
                .protoDescriptor(HealthProto.getDescriptor().findServiceByName("Health"))
                .unary(CHECK, (request, responses) -> {
                    responses.onNext(check(request.getService()));
                    responses.onCompleted();
                })
                .unary(LIST, (request, responses) -> {
                    responses.onNext(list());
                    responses.onCompleted();
                })
                .serverStreaming(WATCH, (request, responses) -> watch(request.getService(), responses))
                .build();
    }

    /**
     * Sets the status of {@code service} ({@code package.Service}, or {@code ""} for the whole server) and tells its
     * watchers. Ignored once shutdown has started: statuses then stay {@code NOT_SERVING}.
     *
     * @param status {@code SERVING}, {@code NOT_SERVING} or {@code UNKNOWN}
     * @throws IllegalArgumentException for {@code SERVICE_UNKNOWN} (which only Watch reports) or an unrecognized value
     */
    public void setStatus(String service, ServingStatus status) {
        Objects.requireNonNull(service, "service");
        if (status == ServingStatus.SERVICE_UNKNOWN || status == ServingStatus.UNRECOGNIZED) {
            throw new IllegalArgumentException(
                    "a service's status is SERVING, NOT_SERVING or UNKNOWN, not " + status + " (use clearStatus)");
        }
        update(service, status);
    }

    /**
     * Forgets the status of {@code service}: Check then answers {@code NOT_FOUND}, and watchers get {@code
     * SERVICE_UNKNOWN}. Ignored once shutdown has started.
     */
    public void clearStatus(String service) {
        update(Objects.requireNonNull(service, "service"), null);
    }

    /** The status of {@code service}, or {@code null} if it has none. */
    public @Nullable ServingStatus status(String service) {
        lock.lock();
        try {
            return statuses.get(service);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Turns every status {@code NOT_SERVING} for good and ends every Watch call after telling it so. The server calls
     * this when its shutdown starts; call it earlier to drain traffic away before shutting down. Idempotent.
     */
    public void enterShutdown() {
        List<HealthWatcher> all = new ArrayList<>();
        lock.lock();
        try {
            if (shutdown) {
                return;
            }
            shutdown = true;
            statuses.replaceAll((service, status) -> ServingStatus.NOT_SERVING);
            for (Map.Entry<String, Set<HealthWatcher>> e : watchers.entrySet()) {
                for (HealthWatcher w : e.getValue()) {
                    w.offerLocked(watchStatus(e.getKey()), true);
                    all.add(w);
                }
            }
        } finally {
            lock.unlock();
        }
        all.forEach(HealthWatcher::flush);
    }

    /** The service to add to an {@link dev.conduit.rpc.RpcServer} (its builder's {@code addHealthService} does). */
    public ServiceDefinition definition() {
        return definition;
    }

    private void update(String service, @Nullable ServingStatus status) {
        List<HealthWatcher> toFlush;
        lock.lock();
        try {
            if (shutdown) {
                return;
            }
            if (status == null) {
                statuses.remove(service);
            } else {
                statuses.put(service, status);
            }
            Set<HealthWatcher> those = watchers.getOrDefault(service, Set.of());
            // Offered under the lock, so that watchers see concurrent updates in the order they took effect.
            ServingStatus now = watchStatus(service);
            those.forEach(w -> w.offerLocked(now, false));
            toFlush = List.copyOf(those);
        } finally {
            lock.unlock();
        }
        toFlush.forEach(HealthWatcher::flush);
    }

    private ServingStatus watchStatus(String service) {
        return statuses.getOrDefault(service, ServingStatus.SERVICE_UNKNOWN);
    }

    private HealthCheckResponse check(String service) {
        ServingStatus status = status(service);
        if (status == null) {
            throw Status.NOT_FOUND
                    .withDescription("no health status for service '" + service + "'")
                    .asException();
        }
        return HealthCheckResponse.newBuilder().setStatus(status).build();
    }

    private HealthListResponse list() {
        Map<String, ServingStatus> snapshot;
        lock.lock();
        try {
            snapshot = new TreeMap<>(statuses);
        } finally {
            lock.unlock();
        }
        if (snapshot.size() > LIST_LIMIT) {
            throw Status.RESOURCE_EXHAUSTED
                    .withDescription(
                            snapshot.size() + " services have a status; List answers for at most " + LIST_LIMIT)
                    .asException();
        }
        HealthListResponse.Builder reply = HealthListResponse.newBuilder();
        snapshot.forEach((service, status) -> reply.putStatuses(
                service, HealthCheckResponse.newBuilder().setStatus(status).build()));
        return reply.build();
    }

    private void watch(String service, ServerResponseObserver<HealthCheckResponse> responses) {
        HealthWatcher watcher = new HealthWatcher(lock, responses);
        lock.lock();
        try {
            watchers.computeIfAbsent(service, s -> new LinkedHashSet<>()).add(watcher);
            watcher.offerLocked(watchStatus(service), shutdown);
        } finally {
            lock.unlock();
        }
        responses.setOnCancelHandler(() -> forget(service, watcher));
        responses.setOnReadyHandler(watcher::flush);
        watcher.flush();
        if (watcher.isDone()) {
            forget(service, watcher);
        }
    }

    /** Watch calls in progress, for tests. */
    int watcherCount() {
        lock.lock();
        try {
            return watchers.values().stream().mapToInt(Set::size).sum();
        } finally {
            lock.unlock();
        }
    }

    private void forget(String service, HealthWatcher watcher) {
        lock.lock();
        try {
            Set<HealthWatcher> those = watchers.get(service);
            if (those != null && those.remove(watcher) && those.isEmpty()) {
                watchers.remove(service);
            }
        } finally {
            lock.unlock();
        }
    }
}
