package dev.conduit.rpc.resolver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.health.HealthService;
import dev.conduit.rpc.nats.InstanceService;
import dev.conduit.rpc.nats.Instances;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Servers that say their name ({@link InstanceService}), in this JVM or as child processes, and a load of calls that
 * records which server answered each call and which calls failed. Everything is closed by {@link #close}.
 */
final class Fleet implements AutoCloseable {
    final Conduit conduit = Conduit.builder().name("fleet").build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService callers = Executors.newFixedThreadPool(2);
    private final List<AutoCloseable> all = new ArrayList<>();
    private final Instances children = new Instances();
    private final AtomicBoolean loading = new AtomicBoolean();
    private final AtomicLong sequence = new AtomicLong();
    /** Each answered call: the sequence number it started with, and the server's name. */
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();

    private final ConcurrentLinkedQueue<Status> failures = new ConcurrentLinkedQueue<>();

    record Answer(long started, String name) {}

    /** A server in this JVM named {@code name} listening on {@code uri}, with a health service. */
    RpcServer server(String uri, String name, HealthService health) {
        return server(uri, InstanceService.definition(name, timer), health);
    }

    RpcServer server(String uri, ServiceDefinition service, HealthService health) {
        RpcServer s = RpcServer.builder(conduit)
                .listen(uri)
                .addService(service)
                .addHealthService(health)
                .start();
        all.add(s);
        return s;
    }

    /** A server named {@code name} on {@code uri} in a child JVM, which {@link Process#destroyForcibly()} kills. */
    Process child(String uri, String name) {
        return children.child(uri, name);
    }

    /** A channel, closed with the fleet. */
    RpcChannel channel(RpcChannel.Builder builder) {
        RpcChannel c = builder.build();
        all.add(c);
        return c;
    }

    /** Two threads calling {@code Name} through {@code channel} until {@link #stopLoad}. */
    void startLoad(RpcChannel channel) {
        loading.set(true);
        for (int i = 0; i < 2; i++) {
            callers.execute(() -> {
                while (loading.get()) {
                    long started = sequence.incrementAndGet();
                    try {
                        answers.add(new Answer(started, name(channel)));
                    } catch (RpcException e) {
                        failures.add(e.status());
                    }
                }
            });
        }
    }

    void stopLoad() throws InterruptedException {
        loading.set(false);
        callers.shutdown();
        assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    /** A mark: calls that start after it are counted by {@link #namesSince}. */
    long mark() {
        return sequence.get();
    }

    /** The servers that answered calls started after {@code mark}. */
    Set<String> namesSince(long mark) {
        return answers.stream()
                .filter(a -> a.started() > mark)
                .map(Answer::name)
                .collect(Collectors.toSet());
    }

    long answeredSince(long mark) {
        return answers.stream().filter(a -> a.started() > mark).count();
    }

    List<Status> failures() {
        return List.copyOf(failures);
    }

    /** The servers that answer {@code calls} calls made one after another. */
    static Set<String> names(RpcChannel channel, int calls) {
        return Instances.names(channel, calls);
    }

    static String name(RpcChannel channel) {
        return Instances.name(channel);
    }

    @Override
    public void close() throws Exception {
        loading.set(false);
        callers.shutdownNow();
        callers.awaitTermination(30, TimeUnit.SECONDS);
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).close();
        }
        children.close();
        timer.shutdownNow();
        conduit.close();
    }
}
