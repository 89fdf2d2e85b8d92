package dev.conduit.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.rpc.Status;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading gRPC's JSON service config: lookup by method, service and default, limits, and one-line errors. */
class ServiceConfigTest {
    private static final String POLICY = """
            "retryPolicy": {"maxAttempts": %s, "initialBackoff": "0.1s", "maxBackoff": "1.5s",
                            "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE", 8]}""";

    @Test
    void methodNameWinsOverServiceNameWhichWinsOverTheDefault() {
        ServiceConfig config = ServiceConfig.parse("""
                {"loadBalancingConfig": [{"round_robin": {}}],
                 "methodConfig": [
                  {"name": [{"service": "kv.Store", "method": "Get"}], "timeout": "0.25s"},
                  {"name": [{"service": "kv.Store"}], "timeout": "2s", %s},
                  {"name": [{}], "timeout": "30s"}]}""".formatted(POLICY.formatted(3)));

        assertThat(config.forMethod("kv.Store/Get").timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.forMethod("kv.Store/Get").retry()).isNull();
        ServiceConfig.MethodConfig put = config.forMethod("kv.Store/Put");
        assertThat(put.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(put.retry())
                .isEqualTo(new ServiceConfig.RetryPolicy(
                        3,
                        100_000_000L,
                        1_500_000_000L,
                        2.0,
                        Set.of(Status.Code.UNAVAILABLE, Status.Code.RESOURCE_EXHAUSTED)));
        assertThat(config.forMethod("other.Service/Call").timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.throttling()).isNull();
    }

    @Test
    void withoutADefaultAnUnnamedMethodHasNoConfig() {
        ServiceConfig config = ServiceConfig.parse("{\"methodConfig\": [{\"name\": [{\"service\": \"a.B\"}]}]}");

        assertThat(config.forMethod("c.D/E")).isEqualTo(ServiceConfig.MethodConfig.NONE);
    }

    @Test
    void maxAttemptsIsCappedAtFiveAndThrottlingKeepsThreeDecimals() {
        ServiceConfig config = ServiceConfig.parse("""
                {"methodConfig": [{"name": [{"service": "a.B"}], %s}],
                 "retryThrottling": {"maxTokens": 10, "tokenRatio": 0.12345}}""".formatted(POLICY.formatted(9)));

        assertThat(config.forMethod("a.B/C").retry().maxAttempts()).isEqualTo(5);
        assertThat(config.throttling()).isEqualTo(new ServiceConfig.Throttling(10, 0.123));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"methodConfig\": [}|service config is not valid JSON: expected a value at offset 18",
                "[]|the service config is an array; expected a JSON object",
                "{\"methodConfig\": {}}|methodConfig is an object; expected a JSON array",
                "{\"methodConfig\": [{\"name\": [{\"method\": \"Get\"}]}]}"
                        + "|service config names method \"Get\" without its service; expected a service too",
                "{\"methodConfig\": [{\"name\": [{\"service\": \"a.B\"}]}, {\"name\": [{\"service\": \"a.B\"}]}]}"
                        + "|service config names \"a.B/\" in more than one methodConfig",
                "{\"methodConfig\": [{\"name\": [{}], \"timeout\": \"10\"}]}"
                        + "|methodConfig.timeout is \"10\"; expected a duration in seconds such as \"0.5s\"",
                "{\"retryThrottling\": {\"maxTokens\": 0, \"tokenRatio\": 1}}"
                        + "|retryThrottling.maxTokens is 0; expected an integer from 1 to 1000",
                "{\"retryThrottling\": {\"maxTokens\": 10}}|retryThrottling.tokenRatio is missing; expected a number",
            })
    void invalidConfigIsRefusedWithOneLineNamingTheMember(String json, String message) {
        assertThatThrownBy(() -> ServiceConfig.parse(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"maxAttempts\": 1|retryPolicy.maxAttempts is 1; expected an integer of at least 2",
                "\"maxAttempts\": 2.5|retryPolicy.maxAttempts is 2.5; expected an integer of at least 2",
                "\"initialBackoff\": \"0s\"|retryPolicy.initialBackoff is 0s; expected more than 0s",
                "\"backoffMultiplier\": 0|retryPolicy.backoffMultiplier is 0; expected a number above 0",
                "\"retryableStatusCodes\": []"
                        + "|retryPolicy.retryableStatusCodes is empty; expected at least one status code",
                "\"retryableStatusCodes\": [\"UNAVAILABEL\"]|retryPolicy.retryableStatusCodes has \"UNAVAILABEL\";"
                        + " expected a gRPC status code name such as \"UNAVAILABLE\"",
            })
    void invalidRetryPolicyIsRefusedWithOneLineNamingTheMember(String override, String message) {
        String key = override.substring(0, override.indexOf(':'));
        String base = "{\"maxAttempts\": 3, \"initialBackoff\": \"0.1s\", \"maxBackoff\": \"1s\", "
                + "\"backoffMultiplier\": 2, \"retryableStatusCodes\": [\"UNAVAILABLE\"]}";
        String policy = base.replaceFirst(java.util.regex.Pattern.quote(key) + ": [^,}]+(\\])?", "§");
        policy = policy.replace("§", override);
        String json = "{\"methodConfig\": [{\"name\": [{}], \"retryPolicy\": " + policy + "}]}";

        assertThatThrownBy(() -> ServiceConfig.parse(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void throttleAllowsRetriesOnlyAboveHalfItsTokensAndRefillsByTheRatio() {
        RetryThrottle throttle = new RetryThrottle(new ServiceConfig.Throttling(4, 0.5));

        assertThat(throttle.onFailure()).as("3 of 4 tokens left").isTrue();
        assertThat(throttle.onFailure()).as("2 of 4: not above half").isFalse();
        throttle.onSuccess();
        assertThat(throttle.milliTokens()).isEqualTo(2500);
        assertThat(throttle.onFailure()).as("1.5 of 4").isFalse();
        for (int i = 0; i < 10; i++) {
            throttle.onSuccess();
        }
        assertThat(throttle.milliTokens()).as("never above the bucket's size").isEqualTo(4000);
    }

    @Test
    void theFirstLoadBalancingConfigNamingAKnownPolicyChoosesItAndTheOlderStringWorksToo() {
        assertThat(ServiceConfig.parse("{\"loadBalancingConfig\": [{\"pick_first\": {}}]}")
                        .policy())
                .isEqualTo(Balancing.Policy.PICK_FIRST);
        assertThat(ServiceConfig.parse("{\"loadBalancingConfig\": [{\"xds_wrr\": {\"x\": 1}}, {\"round_robin\": {}}]}")
                        .policy())
                .isEqualTo(Balancing.Policy.ROUND_ROBIN);
        assertThat(ServiceConfig.parse("{\"loadBalancingPolicy\": \"pick_first\"}")
                        .policy())
                .isEqualTo(Balancing.Policy.PICK_FIRST);
        assertThat(ServiceConfig.parse("{\"loadBalancingConfig\": [{\"round_robin\": {}}],"
                                + " \"loadBalancingPolicy\": \"pick_first\"}")
                        .policy())
                .isEqualTo(Balancing.Policy.ROUND_ROBIN);
        assertThat(ServiceConfig.parse("{}").policy()).isNull();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '^',
            value = {
                "{\"loadBalancingConfig\": [{\"grpclb\": {}}, {\"xds\": {}}]}"
                        + "|loadBalancingConfig names no policy Conduit has [grpclb, xds]; expected round_robin or"
                        + " pick_first",
                "{\"loadBalancingConfig\": [{\"pick_first\": {}, \"round_robin\": {}}]}"
                        + "|a loadBalancingConfig entry has 2 members; expected one, named after its policy, such as"
                        + " {\"round_robin\": {}}",
                "{\"loadBalancingConfig\": [{\"pick_first\": 1}]}"
                        + "|loadBalancingConfig.pick_first is 1; expected a JSON object",
                "{\"loadBalancingConfig\": {\"pick_first\": {}}}"
                        + "|loadBalancingConfig is an object; expected a JSON array",
                "{\"loadBalancingPolicy\": \"random\"}"
                        + "|unknown load-balancing policy 'random'; expected round_robin or pick_first",
            })
    void anUnusableLoadBalancingConfigIsRefusedWithOneLineNamingTheMember(String json, String message) {
        assertThatThrownBy(() -> ServiceConfig.parse(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
