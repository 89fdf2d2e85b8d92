package dev.conduit.rpc.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Outlier ejection end to end, with three servers in child JVMs: one stays connected but fails every call with
 * UNAVAILABLE. After as many failures in a row as the channel allows it takes no call, though still connected; once
 * it serves again it is taken back when its ejection ends.
 */
class RpcSickEndpointEjectionTest {
    private static final int EJECT_AFTER = 3;
    /** Long enough for the calls made while it lasts; the endpoint's return is awaited for about as long. */
    private static final Duration EJECTION = Duration.ofSeconds(5);

    private final List<TestServers.Handle> servers = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private Conduit conduit;

    @AfterEach
    void stop() {
        if (conduit != null) {
            conduit.close();
        }
        servers.forEach(TestServers.Handle::close);
    }

    private static String listenUri(String transport, String name) {
        return switch (transport) {
            case "tcp" -> "tcp://127.0.0.1:0";
            case "shm" -> "shm://sick-" + ProcessHandle.current().pid() + "-" + name + "?dir=" + TestServers.tempDir();
            default -> throw new IllegalArgumentException(transport);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void anEndpointFailingEveryCallIsEjectedWhileConnectedAndTakenBackWhenItServes(String transport)
            throws IOException {
        for (String name : List.of("a", "sick", "c")) {
            servers.add(TestServers.namedChild(listenUri(transport, name), name, false, processes::add));
        }
        conduit = Conduit.builder().name("sick-client").build();
        RpcChannel.Builder builder = RpcChannel.builder(conduit).outlierEjection(EJECT_AFTER, EJECTION, EJECTION);
        servers.forEach(s -> builder.target(s.uri()));
        try (RpcChannel channel = builder.build()) {
            // All three connected and serving first: on a loaded machine a connection still on its way would take no
            // calls, and the sick one must take its share from the start.
            await("every endpoint serving")
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> Whoami.names(channel, 6).containsAll(List.of("a", "sick", "c")));
            Process sick = processes.get(1);
            tell(sick, "fail");
            int failed = 0;
            for (int i = 0; i < 10 * EJECT_AFTER && failed < EJECT_AFTER; i++) {
                try {
                    Whoami.names(channel, 1);
                } catch (RpcException e) {
                    assertThat(e.code()).isEqualTo(Status.Code.UNAVAILABLE);
                    failed++;
                }
            }
            assertThat(failed).as("calls failed by the sick endpoint").isEqualTo(EJECT_AFTER);

            // Ejected: no call reaches it, so none fails; yet it is still connected (no connection failure here).
            assertThat(Whoami.names(channel, 30)).as("who answered").containsOnly("a", "c");
            assertThat(channel.endpointStates()).as("connections").allMatch(s -> s.endsWith("(READY)"));

            tell(sick, "serve");
            await("the endpoint, serving again, is taken back")
                    .atMost(EJECTION.multipliedBy(4))
                    .until(() -> Whoami.names(channel, 3).contains("sick"));
            assertThat(Whoami.names(channel, 30)).as("who answered").contains("a", "sick", "c");
        }
    }

    /** A line for the child server's stdin: {@code fail} or {@code serve}. */
    private static void tell(Process server, String line) throws IOException {
        server.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        server.getOutputStream().flush();
    }
}
