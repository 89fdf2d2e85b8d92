package dev.conduit.rpc.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.EndpointException;
import dev.conduit.rpc.ClientCallTracer;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.health.HealthService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dns://} targets against a real DNS server (dnsmasq on loopback) whose records the test changes while calls
 * run: servers on 127.0.0.2, .3 and .4, one port.
 */
class DnsResolutionTest {
    @TempDir
    Path dir;

    private Fleet fleet;
    private Dnsmasq dns;
    private int port;

    @BeforeEach
    void setUp() {
        fleet = new Fleet();
    }

    @AfterEach
    void tearDown() throws Exception {
        fleet.close();
        if (dns != null) {
            dns.close();
        }
    }

    /** Servers a, b, c on 127.0.0.2, .3, .4 at one port (the first's ephemeral port). */
    private void threeServers() {
        RpcServer a = fleet.server("tcp://127.0.0.2:0", "a", new HealthService());
        port = Integer.parseInt(a.endpoints().get(0).address().replaceAll(".*:", ""));
        fleet.server("tcp://127.0.0.3:" + port, "b", new HealthService());
        fleet.server("tcp://127.0.0.4:" + port, "c", new HealthService());
    }

    private RpcChannel.Builder dnsChannel(String name) {
        return RpcChannel.builder(fleet.conduit)
                .target("dns://" + dns.server() + "/" + name + ":" + port)
                .resolveInterval(Duration.ofMillis(200), Duration.ofMillis(100))
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200));
    }

    @Test
    void addedAddressesGetCallsWithinTheIntervalAndRemovedOnesStopWithoutAFailedCall() throws Exception {
        threeServers();
        dns = Dnsmasq.start(dir, List.of("127.0.0.2 svc.test"));
        RpcChannel channel = fleet.channel(dnsChannel("svc.test"));
        fleet.startLoad(channel);
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.namesSince(0).contains("a"));
        assertThat(fleet.namesSince(0)).containsExactly("a");

        long added = fleet.mark();
        dns.hosts(List.of("127.0.0.2 svc.test", "127.0.0.3 svc.test", "127.0.0.4 svc.test"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> fleet.namesSince(added).containsAll(List.of("b", "c")));

        dns.hosts(List.of("127.0.0.3 svc.test", "127.0.0.4 svc.test"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> channel.endpointStates().stream().noneMatch(e -> e.contains("127.0.0.2")));
        long removed = fleet.mark();
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.answeredSince(removed) >= 200);
        fleet.stopLoad();

        assertThat(fleet.namesSince(removed)).containsExactlyInAnyOrder("b", "c");
        assertThat(fleet.failures())
                .as("calls that failed while the records changed")
                .isEmpty();
    }

    @Test
    void killedServerIsLeftOutAndTakenBackWhenItReturns() throws Exception {
        RpcServer a = fleet.server("tcp://127.0.0.2:0", "a", new HealthService());
        port = Integer.parseInt(a.endpoints().get(0).address().replaceAll(".*:", ""));
        fleet.server("tcp://127.0.0.3:" + port, "b", new HealthService());
        Process c = fleet.child("tcp://127.0.0.4:" + port, "c");
        dns = Dnsmasq.start(dir, List.of("127.0.0.2 svc.test", "127.0.0.3 svc.test", "127.0.0.4 svc.test"));
        RpcChannel channel =
                fleet.channel(dnsChannel("svc.test").outlierEjection(3, Duration.ofMillis(300), Duration.ofSeconds(1)));
        fleet.startLoad(channel);
        await().atMost(Duration.ofSeconds(10)).until(() -> fleet.namesSince(0).size() == 3);

        c.destroyForcibly().waitFor();
        long killed = fleet.mark();
        // Left out: its connection is gone and reconnecting fails, so it is in TRANSIENT_FAILURE, not picked.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> channel.endpointStates().contains("tcp://127.0.0.4:" + port + " (TRANSIENT_FAILURE)"));
        // Calls on the killed server's connection fail (no retry policy here); then it is left out.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            long m = fleet.mark();
            int failedBefore = fleet.failures().size();
            await().atMost(Duration.ofSeconds(5)).until(() -> fleet.answeredSince(m) >= 100);
            return !fleet.namesSince(m).contains("c") && fleet.failures().size() == failedBefore;
        });
        assertThat(fleet.failures())
                .as("calls that failed after the kill")
                .allSatisfy(s -> assertThat(s.code()).isEqualTo(Status.Code.UNAVAILABLE));

        long back = fleet.mark();
        fleet.child("tcp://127.0.0.4:" + port, "c");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> fleet.namesSince(back).contains("c"));
        fleet.stopLoad();
        assertThat(fleet.namesSince(killed)).contains("a", "b", "c");
    }

    @Test
    void everyAAndAaaaRecordBecomesAnEndpoint() throws Exception {
        RpcServer a = fleet.server("tcp://127.0.0.2:0", "v4", new HealthService());
        port = Integer.parseInt(a.endpoints().get(0).address().replaceAll(".*:", ""));
        fleet.server("tcp://[::1]:" + port, "v6", new HealthService());
        dns = Dnsmasq.start(dir, List.of("127.0.0.2 dual.test", "::1 dual.test"));
        RpcChannel channel = fleet.channel(dnsChannel("dual.test"));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fleet.names(channel, 20).equals(Set.of("v4", "v6")));
        assertThat(channel.endpointStates())
                .hasSize(2)
                .anyMatch(s -> s.startsWith("tcp://["))
                .anyMatch(s -> s.startsWith("tcp://127.0.0.2:"));
    }

    @Test
    void aNameThatDoesNotExistFailsCallsWithUnavailableNamingIt() throws Exception {
        port = 7;
        dns = Dnsmasq.start(dir, List.of("127.0.0.2 svc.test"));
        RpcChannel channel = fleet.channel(dnsChannel("nowhere.test"));

        assertThatThrownBy(() -> Fleet.name(channel)).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.status().description())
                    .contains("cannot resolve dns://")
                    .contains("nowhere.test");
        });
    }

    @Test
    void theSystemResolverServesDnsTargetsWithoutAnAuthority() {
        RpcServer a = fleet.server("tcp://127.0.0.1:0", "a", new HealthService());
        port = Integer.parseInt(a.endpoints().get(0).address().replaceAll(".*:", ""));
        RpcChannel channel = fleet.channel(RpcChannel.builder(fleet.conduit).target("dns:///127.0.0.1:" + port));

        assertThat(Fleet.name(channel)).isEqualTo("a");
    }

    @Test
    void tracersSeeTheNameAsTargetAndTheEndpointsTransport() {
        RpcServer a = fleet.server("tcp://127.0.0.1:0", "a", new HealthService());
        port = Integer.parseInt(a.endpoints().get(0).address().replaceAll(".*:", ""));
        List<String> traced = new CopyOnWriteArrayList<>();
        RpcChannel channel = fleet.channel(RpcChannel.builder(fleet.conduit)
                .target("dns:///127.0.0.1:" + port)
                .tracer((method, target, transport) -> {
                    traced.add(target + " over " + transport);
                    return new ClientCallTracer() {};
                }));

        Fleet.name(channel);

        assertThat(traced).containsExactly("dns:///127.0.0.1:" + port + " over tcp");
    }

    @Test
    void aDnsTargetWithoutAPortIsRefusedByBuild() {
        RpcChannel.Builder b = RpcChannel.builder(fleet.conduit).target("dns:///svc.test");

        assertThatThrownBy(b::build)
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("dns:///svc.test")
                .hasMessageContaining("has no port");
    }
}
