package dev.conduit.rpc.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.health.HealthService;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A service config's {@code loadBalancingConfig} chooses the channel's policy, over the builder's. */
class ServiceConfigBalancingTest {
    private final Fleet fleet = new Fleet();

    @AfterEach
    void tearDown() throws Exception {
        fleet.close();
    }

    private RpcChannel.Builder threeEndpoints() {
        RpcChannel.Builder b = RpcChannel.builder(fleet.conduit);
        for (String name : new String[] {"a", "b", "c"}) {
            RpcServer s = fleet.server("tcp://127.0.0.1:0", name, new HealthService());
            b.target(s.endpoints().get(0).toString());
        }
        return b;
    }

    @Test
    void pickFirstFromTheServiceConfigWinsOverTheBuildersRoundRobin() {
        RpcChannel channel = fleet.channel(threeEndpoints()
                .serviceConfig("{\"loadBalancingConfig\": [{\"pick_first\": {}}]}")
                .loadBalancingPolicy("round_robin"));
        assertThat(Fleet.names(channel, 50)).containsExactly("a");
    }

    @Test
    void roundRobinFromTheServiceConfigWinsOverTheBuildersPickFirst() {
        RpcChannel channel = fleet.channel(threeEndpoints()
                .loadBalancingPolicy("pick_first")
                .serviceConfig("{\"loadBalancingConfig\": [{\"weighted_round_robin\": {}}, {\"round_robin\": {}}]}"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fleet.names(channel, 30).size() == 3);
    }
}
