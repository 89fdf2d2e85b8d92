package dev.conduit.rpc.nats;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.conduit.core.Conduit;
import dev.conduit.core.testkit.JavaCommand;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Instances of {@link InstanceService} for a test: in this JVM (a runtime each) or in child JVMs; all closed at the end. */
public final class Instances implements AutoCloseable {
    private final List<AutoCloseable> all = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    /** An instance in this JVM: its server, and how many {@code Hold} calls it has in flight. */
    record Instance(RpcServer server, AtomicInteger holding) {}

    /** An instance in this JVM with a runtime (so a NATS connection) of its own. */
    Instance inProcess(String uri, String name) {
        Conduit conduit = Conduit.builder().name(name).build();
        AtomicInteger holding = new AtomicInteger();
        RpcServer server = RpcServer.builder(conduit)
                .listen(uri)
                .addService(InstanceService.definition(name, timer, holding))
                .closeTimeout(Duration.ofSeconds(10))
                .start();
        all.add(() -> {
            server.close();
            conduit.close();
        });
        return new Instance(server, holding);
    }

    /** An instance in a child JVM, which {@link Process#destroyForcibly()} kills with SIGKILL. */
    public Process child(String uri, String name) {
        List<String> command = JavaCommand.of(List.of("-Xmx128m"), InstanceMain.class, uri, name);
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        all.add(() -> {
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        });
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .orTimeout(60, TimeUnit.SECONDS)
                .join();
        assertThat(first).as("first line of instance %s", name).startsWith("listening on ");
        return p;
    }

    /** The instance names that answer {@code calls} calls of {@code Name} through {@code channel}. */
    public static Set<String> names(RpcChannel channel, int calls) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < calls; i++) {
            seen.add(name(channel));
        }
        return seen;
    }

    public static String name(RpcChannel channel) {
        return ClientCalls.blockingUnary(
                        channel,
                        InstanceService.NAME,
                        CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)),
                        StringValue.of(""))
                .getValue();
    }

    @Override
    public void close() throws Exception {
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).close();
        }
        timer.shutdownNow();
    }
}
