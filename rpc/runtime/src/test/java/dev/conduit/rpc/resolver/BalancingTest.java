package dev.conduit.rpc.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.StringValue;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.health.HealthService;
import dev.conduit.rpc.health.v1.HealthCheckResponse.ServingStatus;
import dev.conduit.rpc.nats.InstanceService;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The policies, outlier ejection and client-side health checking, over plain tcp targets on loopback. */
class BalancingTest {
    private final Fleet fleet = new Fleet();

    @AfterEach
    void tearDown() throws Exception {
        fleet.close();
    }

    private static String uri(RpcServer server) {
        return server.endpoints().get(0).toString();
    }

    @Test
    void roundRobinSpreadsCallsOverEveryEndpoint() {
        RpcChannel channel = fleet.channel(RpcChannel.builder(fleet.conduit)
                .target(uri(fleet.server("tcp://127.0.0.1:0", "a", new HealthService())))
                .target(uri(fleet.server("tcp://127.0.0.1:0", "b", new HealthService())))
                .target(uri(fleet.server("tcp://127.0.0.1:0", "c", new HealthService()))));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fleet.names(channel, 30).size() == 3);
    }

    @Test
    void pickFirstSticksToTheFirstEndpointAndMovesOnlyWhenItIsGone() {
        RpcServer a = fleet.server("tcp://127.0.0.1:0", "a", new HealthService());
        RpcChannel channel = fleet.channel(RpcChannel.builder(fleet.conduit)
                .target(uri(a))
                .target(uri(fleet.server("tcp://127.0.0.1:0", "b", new HealthService())))
                .target(uri(fleet.server("tcp://127.0.0.1:0", "c", new HealthService())))
                .loadBalancingPolicy("pick_first")
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200)));

        assertThat(Fleet.names(channel, 50)).containsExactly("a");
        assertThat(channel.endpointStates())
                .as("connections made")
                .filteredOn(s -> s.contains("READY"))
                .hasSize(1);

        a.close();
        await().atMost(Duration.ofSeconds(10))
                .ignoreException(RpcException.class)
                .until(() -> Fleet.name(channel).equals("b"));
        assertThat(Fleet.names(channel, 50)).containsExactly("b");
    }

    @Test
    void anEndpointFailingCallsIsEjectedThenTakenBack() {
        AtomicBoolean broken = new AtomicBoolean(true);
        ServiceDefinition flaky = ServiceDefinition.builder("conduit.test.Instance")
                .unary(InstanceService.NAME, (req, out) -> {
                    if (broken.get()) {
                        out.onError(Status.INTERNAL.withDescription("broken").asException());
                    } else {
                        out.onNext(StringValue.of("flaky"));
                        out.onCompleted();
                    }
                })
                .build();
        RpcChannel channel = fleet.channel(RpcChannel.builder(fleet.conduit)
                .target(uri(fleet.server("tcp://127.0.0.1:0", flaky, new HealthService())))
                .target(uri(fleet.server("tcp://127.0.0.1:0", "good", new HealthService())))
                .outlierEjection(3, Duration.ofMillis(500), Duration.ofSeconds(2)));
        int failed = 0;
        for (int i = 0; i < 20 && failed < 3; i++) {
            try {
                Fleet.name(channel);
            } catch (RpcException e) {
                assertThat(e.status().code()).isEqualTo(Status.Code.INTERNAL);
                failed++;
            }
        }
        assertThat(failed).as("failed calls before the ejection").isEqualTo(3);

        // Ejected: every call goes to the good endpoint, none fails.
        assertThat(Fleet.names(channel, 40)).containsExactly("good");

        broken.set(false);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fleet.names(channel, 10).contains("flaky"));
    }

    @Test
    void healthCheckingKeepsANotServingEndpointOutUntilItServesAgain() {
        HealthService bHealth = new HealthService();
        RpcChannel channel = fleet.channel(RpcChannel.builder(fleet.conduit)
                .target(uri(fleet.server("tcp://127.0.0.1:0", "a", new HealthService())))
                .target(uri(fleet.server("tcp://127.0.0.1:0", "b", bHealth)))
                .healthCheck(""));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fleet.names(channel, 20).size() == 2);

        bHealth.setStatus("", ServingStatus.NOT_SERVING);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fleet.names(channel, 20).equals(Set.of("a")));
        assertThat(Fleet.names(channel, 100)).containsExactly("a");

        bHealth.setStatus("", ServingStatus.SERVING);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fleet.names(channel, 20).contains("b"));
    }

    @Test
    void pickFirstPassesOverANotServingEndpointAndReturnsWhenItServes() {
        HealthService aHealth = new HealthService();
        RpcChannel channel = fleet.channel(RpcChannel.builder(fleet.conduit)
                .target(uri(fleet.server("tcp://127.0.0.1:0", "a", aHealth)))
                .target(uri(fleet.server("tcp://127.0.0.1:0", "b", new HealthService())))
                .target(uri(fleet.server("tcp://127.0.0.1:0", "c", new HealthService())))
                .loadBalancingPolicy("pick_first")
                .healthCheck(""));
        assertThat(Fleet.names(channel, 20)).containsExactly("a");

        aHealth.setStatus("", ServingStatus.NOT_SERVING);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fleet.names(channel, 20).equals(Set.of("b")));
        assertThat(channel.endpointStates().get(2)).as("c, never needed").endsWith("(IDLE)");

        aHealth.setStatus("", ServingStatus.SERVING);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fleet.names(channel, 20).equals(Set.of("a")));
    }

    @Test
    void everyEndpointNotServingFailsCallsWithUnavailableSayingSo() {
        HealthService health = new HealthService();
        health.setStatus("", ServingStatus.NOT_SERVING);
        RpcChannel channel = fleet.channel(RpcChannel.builder(fleet.conduit)
                .target(uri(fleet.server("tcp://127.0.0.1:0", "a", health)))
                .healthCheck(""));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try {
                Fleet.name(channel);
                throw new AssertionError("the call succeeded on a NOT_SERVING endpoint");
            } catch (RpcException e) {
                assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.status().description()).contains("health check").contains("not serving");
            }
        });
    }
}
