package dev.conduit.rpc.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.ResponseStream;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.health.v1.HealthCheckRequest;
import dev.conduit.rpc.health.v1.HealthCheckResponse;
import dev.conduit.rpc.health.v1.HealthCheckResponse.ServingStatus;
import dev.conduit.rpc.health.v1.HealthListRequest;
import dev.conduit.rpc.health.v1.HealthListResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code grpc.health.v1.Health} served over tcp: Check, List and Watch, status changes, and the server's shutdown. */
class HealthServiceTest {
    private static final String KV = "conduit.kv.Kv";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final HealthService health = new HealthService();
    private Conduit conduit;
    private RpcServer server;
    private RpcChannel channel;

    @BeforeEach
    void start() {
        conduit = Conduit.builder().name("health-test").build();
        server = RpcServer.builder(conduit)
                .listen("tcp://127.0.0.1:0")
                .addHealthService(health)
                .start();
        channel = RpcChannel.builder(conduit)
                .target(server.endpoints().get(0).toString())
                .build();
    }

    @AfterEach
    void stop() {
        channel.close();
        server.close();
        conduit.close();
    }

    private ServingStatus check(String service) {
        return ClientCalls.blockingUnary(
                        channel,
                        HealthService.CHECK,
                        CallOptions.DEFAULT.withTimeout(WAIT),
                        HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }

    private ResponseStream<HealthCheckResponse> watch(String service) {
        return ClientCalls.blockingServerStreaming(
                channel,
                HealthService.WATCH,
                CallOptions.DEFAULT.withTimeout(WAIT),
                HealthCheckRequest.newBuilder().setService(service).build());
    }

    @Test
    void checkAnswersTheServerAsAWholeAndEachServiceAsSet() {
        assertThat(check("")).isEqualTo(ServingStatus.SERVING);
        assertThatThrownBy(() -> check(KV)).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.status().code()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(e.status().description()).isEqualTo("no health status for service 'conduit.kv.Kv'");
        });

        health.setStatus(KV, ServingStatus.SERVING);
        assertThat(check(KV)).isEqualTo(ServingStatus.SERVING);
        health.setStatus(KV, ServingStatus.NOT_SERVING);
        health.setStatus("", ServingStatus.NOT_SERVING);
        assertThat(check(KV)).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check("")).isEqualTo(ServingStatus.NOT_SERVING);

        health.clearStatus(KV);
        assertThatThrownBy(() -> check(KV))
                .isInstanceOfSatisfying(
                        RpcException.class, e -> assertThat(e.status().code()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void watchSendsTheStatusNowThenEachChangeOnce() {
        try (ResponseStream<HealthCheckResponse> updates = watch(KV)) {
            assertThat(updates.next().getStatus())
                    .as("a service without a status")
                    .isEqualTo(ServingStatus.SERVICE_UNKNOWN);
            health.setStatus(KV, ServingStatus.SERVING);
            health.setStatus(KV, ServingStatus.SERVING); // no change: nothing sent
            health.setStatus(KV, ServingStatus.NOT_SERVING);
            health.clearStatus(KV);
            health.setStatus("", ServingStatus.NOT_SERVING); // another service: not this watcher's business
            health.setStatus(KV, ServingStatus.SERVING);
            List<ServingStatus> seen = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                seen.add(updates.next().getStatus());
            }
            assertThat(seen)
                    .containsExactly(
                            ServingStatus.SERVING,
                            ServingStatus.NOT_SERVING,
                            ServingStatus.SERVICE_UNKNOWN,
                            ServingStatus.SERVING);
        }
    }

    @Test
    void shutdownTurnsEveryStatusNotServingEndsWatchesAndDoesNotWaitForThem() throws Exception {
        health.setStatus(KV, ServingStatus.SERVING);
        ResponseStream<HealthCheckResponse> overall = watch("");
        ResponseStream<HealthCheckResponse> kv = watch(KV);
        assertThat(overall.next().getStatus()).isEqualTo(ServingStatus.SERVING);
        assertThat(kv.next().getStatus()).isEqualTo(ServingStatus.SERVING);

        server.shutdown();

        for (ResponseStream<HealthCheckResponse> watcher : List.of(overall, kv)) {
            assertThat(watcher.next().getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
            assertThatThrownBy(watcher::hasNext)
                    .isInstanceOfSatisfying(
                            RpcException.class,
                            e -> assertThat(e.status())
                                    .satisfies(s -> assertThat(s.code()).isEqualTo(Status.Code.UNAVAILABLE))
                                    .satisfies(
                                            s -> assertThat(s.description()).isEqualTo("the server is shutting down")));
        }
        assertThat(server.awaitTermination(WAIT))
                .as("watch calls do not hold the graceful shutdown open")
                .isTrue();
        assertThat(health.status("")).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(health.status(KV)).isEqualTo(ServingStatus.NOT_SERVING);
        health.setStatus(KV, ServingStatus.SERVING);
        assertThat(health.status(KV))
                .as("statuses stay NOT_SERVING after shutdown")
                .isEqualTo(ServingStatus.NOT_SERVING);
    }

    @Test
    void aWatchThatStartsAfterShutdownBeganGetsNotServingAndEnds() {
        health.enterShutdown();
        try (ResponseStream<HealthCheckResponse> updates = watch("")) {
            assertThat(updates.next().getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
            assertThatThrownBy(updates::hasNext)
                    .isInstanceOfSatisfying(
                            RpcException.class,
                            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
        }
    }

    @Test
    void listReportsEveryStatusUpToTheLimit() {
        health.setStatus(KV, ServingStatus.NOT_SERVING);
        HealthListResponse list = ClientCalls.blockingUnary(
                channel,
                HealthService.LIST,
                CallOptions.DEFAULT.withTimeout(WAIT),
                HealthListRequest.getDefaultInstance());
        assertThat(list.getStatusesMap())
                .containsOnlyKeys("", KV)
                .hasEntrySatisfying("", r -> assertThat(r.getStatus()).isEqualTo(ServingStatus.SERVING))
                .hasEntrySatisfying(KV, r -> assertThat(r.getStatus()).isEqualTo(ServingStatus.NOT_SERVING));

        for (int i = 0; i < HealthService.LIST_LIMIT; i++) {
            health.setStatus("svc" + i, ServingStatus.SERVING);
        }
        assertThatThrownBy(() -> ClientCalls.blockingUnary(
                        channel, HealthService.LIST, CallOptions.DEFAULT, HealthListRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(
                        RpcException.class,
                        e -> assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    }

    @Test
    void aWatchThatTheClientCancelsIsForgotten() {
        ResponseStream<HealthCheckResponse> updates = watch(KV);
        assertThat(updates.next().getStatus()).isEqualTo(ServingStatus.SERVICE_UNKNOWN);
        assertThat(health.watcherCount()).isOne();
        updates.close();
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> health.watcherCount() == 0);
    }

    @Test
    void serviceUnknownIsNotAStatusToSetAndAServerTakesOneHealthService() {
        assertThatThrownBy(() -> health.setStatus(KV, ServingStatus.SERVICE_UNKNOWN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use clearStatus");
        assertThatThrownBy(() -> RpcServer.builder(conduit)
                        .addHealthService(new HealthService())
                        .addHealthService(new HealthService()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a health service was already added to this server");
    }
}
