package dev.conduit.rpc.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.health.HealthService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A resolver of the user's, found by its scheme through {@code META-INF/services}, yielding a mix of transports. */
class ResolverSpiTest {
    @TempDir
    Path dir;

    private final Fleet fleet = new Fleet();

    @AfterEach
    void tearDown() throws Exception {
        fleet.close();
    }

    @Test
    void aUserResolverFoundByItsSchemeSpreadsCallsOverInprocAndTcpAndFollowsItsChanges() throws Exception {
        fleet.server("inproc://resolver-spi-local", "local", new HealthService());
        String tcp = fleet.server("tcp://127.0.0.1:0", "remote", new HealthService())
                .endpoints()
                .get(0)
                .toString();
        Path file = dir.resolve("endpoints.txt");
        Files.write(file, List.of("inproc://resolver-spi-local", tcp));
        RpcChannel channel = fleet.channel(RpcChannel.builder(fleet.conduit)
                .target("endpoints://" + file)
                .resolveInterval(Duration.ofMillis(100), Duration.ofMillis(100)));
        fleet.startLoad(channel);
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.namesSince(0).containsAll(List.of("local", "remote")));

        replace(file, List.of(tcp));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> channel.endpointStates().stream().noneMatch(s -> s.startsWith("inproc:")));
        long after = fleet.mark();
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.answeredSince(after) >= 100);
        fleet.stopLoad();

        assertThat(fleet.namesSince(after)).containsExactly("remote");
        assertThat(fleet.failures()).isEmpty();
    }

    @Test
    void aFailingEndpointHasTheNameResolvedAgainButNoMoreOftenThanTheLimit() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        String live = fleet.server("tcp://127.0.0.1:0", "live", new HealthService())
                .endpoints()
                .get(0)
                .toString();
        Path file = dir.resolve("endpoints.txt");
        Path refreshes = dir.resolve("endpoints.txt.refreshes");
        Files.write(file, List.of("tcp://127.0.0.1:" + closedPort, live));
        long start = System.nanoTime();
        RpcChannel channel = fleet.channel(RpcChannel.builder(fleet.conduit)
                .target("endpoints://" + file)
                .resolveInterval(Duration.ofHours(1), Duration.ofMillis(300))
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(20)));

        assertThat(Fleet.name(channel)).isEqualTo("live");
        // No schedule would refresh within the hour: these come from the dead endpoint's failed connections.
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        Files.exists(refreshes) && Files.readAllLines(refreshes).size() >= 4);
        int count = Files.readAllLines(refreshes).size();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        // The dead endpoint fails every ~20 ms; resolutions stay at least 300 ms apart (plus the first, at start).
        assertThat(count).as("resolutions in %d ms", elapsedMs).isLessThanOrEqualTo(2 + (int) (elapsedMs / 300));
    }

    /**
     * Rewrites the resolver's file in one step: the resolver polls it, and a read between {@code Files.write}'s
     * truncation and its write would find no endpoint, which the channel rightly takes as "the name has none".
     */
    private static void replace(Path file, List<String> lines) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.write(next, lines);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
