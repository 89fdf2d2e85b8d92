package dev.conduit.rpc.suite;

import static dev.conduit.rpc.suite.RpcCallKindsSuiteTest.assertRpcFails;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Retries by service config (gRFC A6) against a real server that fails on purpose ({@link TestService#FLAKY}), over
 * in-process, tcp, shm (server in a child JVM) and grpc://: what is retried, how often, with which header, and what
 * stops it (status, attempts, deadline, pushback, throttling, a committed call).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.conduit.rpc.suite.TransportCase#forRetries")
class RpcRetrySuiteTest extends SuiteFixture {

    /** A service config retrying every method of the test service on {@code codes}, with short backoffs. */
    static String retryConfig(int maxAttempts, String codes, String throttling) {
        return """
                {"methodConfig": [{"name": [{"service": "conduit.test.TestService"}],
                  "retryPolicy": {"maxAttempts": %d, "initialBackoff": "0.01s", "maxBackoff": "0.05s",
                                  "backoffMultiplier": 2, "retryableStatusCodes": [%s]}}]%s}""".formatted(maxAttempts, codes, throttling);
    }

    private RpcChannel retrying(int maxAttempts) {
        return newChannel(b -> b.serviceConfig(retryConfig(maxAttempts, "\"UNAVAILABLE\"", "")));
    }

    @Test
    void unaryFailingTwiceWithUnavailableSucceedsOnTheThirdAttemptWhichSaysHowManyCameBefore() {
        RpcChannel ch = retrying(4);
        String tag = tag("flaky");

        assertThat(unary(ch, TestService.FLAKY, tag + ":2:UNAVAILABLE")).isEqualTo("ok:3");
        assertThat(progress(tag)).isEqualTo(3);
        assertThat(events(tag)).isEqualTo("prev=-,prev=1,prev=2");
    }

    @Test
    void statusNotInRetryableCodesIsNotRetried() {
        RpcChannel ch = retrying(4);
        String tag = tag("invalid");

        assertRpcFails(() -> unary(ch, TestService.FLAKY, tag + ":2:INVALID_ARGUMENT"), Status.Code.INVALID_ARGUMENT);
        assertThat(progress(tag)).isEqualTo(1);
    }

    @Test
    void withoutRetryPolicyAFailedCallIsNotRetried() {
        String tag = tag("no-policy");

        assertRpcFails(() -> unary(TestService.FLAKY, tag + ":2:UNAVAILABLE"), Status.Code.UNAVAILABLE);
        assertThat(progress(tag)).isEqualTo(1);
    }

    @Test
    void retriesStopAtMaxAttemptsWithTheLastAttemptsStatus() {
        RpcChannel ch = retrying(3);
        String tag = tag("max");

        assertRpcFails(() -> unary(ch, TestService.FLAKY, tag + ":10:UNAVAILABLE"), Status.Code.UNAVAILABLE);
        assertThat(progress(tag)).isEqualTo(3);
    }

    @Test
    void maxAttemptsAboveFiveIsCappedAtFive() {
        RpcChannel ch = retrying(9);
        String tag = tag("cap");

        assertRpcFails(() -> unary(ch, TestService.FLAKY, tag + ":10:UNAVAILABLE"), Status.Code.UNAVAILABLE);
        assertThat(progress(tag)).isEqualTo(5);
    }

    @Test
    void deadlineEndsTheCallWhileARetryWaitsOnThePushback() {
        RpcChannel ch = retrying(5);
        String tag = tag("deadline");
        CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofMillis(300));

        // The server asks for a minute's pause: the deadline passes first, and no second attempt is made. (The
        // future's bound is slack far above the deadline, far below the pause: it only tells which one ended the call.)
        CompletableFuture<StringValue> reply =
                ClientCalls.futureUnary(ch, TestService.FLAKY, options, StringValue.of(tag + ":10:UNAVAILABLE:60000"));

        assertThatThrownBy(() -> reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(RpcException.class)
                .cause()
                .hasMessage("DEADLINE_EXCEEDED: deadline of 300 ms exceeded after 1 attempts; the last failed with"
                        + " UNAVAILABLE: failure 1");
        assertThat(progress(tag)).isEqualTo(1);
    }

    @Test
    void pushbackOfAFewMillisecondsIsHonouredAndANegativeOneStopsRetries() {
        RpcChannel ch = retrying(5);
        String honoured = tag("pushback");
        String refused = tag("no-retry");

        assertThat(unary(ch, TestService.FLAKY, honoured + ":1:UNAVAILABLE:5")).isEqualTo("ok:2");
        assertRpcFails(() -> unary(ch, TestService.FLAKY, refused + ":10:UNAVAILABLE:-1"), Status.Code.UNAVAILABLE);
        assertThat(progress(refused)).isEqualTo(1);
    }

    @Test
    void throttlingStopsRetriesOnceTokensDropToHalf() {
        // 4 tokens, retries only above 2: the first call's two failures leave 2 (no third attempt), the next call's
        // failure leaves 1, so it is not retried at all.
        RpcChannel ch = newChannel(b -> b.serviceConfig(
                retryConfig(5, "\"UNAVAILABLE\"", ", \"retryThrottling\": {\"maxTokens\": 4, \"tokenRatio\": 0.5}")));
        String first = tag("throttle-1");
        String second = tag("throttle-2");

        assertRpcFails(() -> unary(ch, TestService.FLAKY, first + ":10:UNAVAILABLE"), Status.Code.UNAVAILABLE);
        assertRpcFails(() -> unary(ch, TestService.FLAKY, second + ":10:UNAVAILABLE"), Status.Code.UNAVAILABLE);

        assertThat(progress(first)).isEqualTo(2);
        assertThat(progress(second)).isEqualTo(1);
    }

    @Test
    void callThatReceivedAResponseIsCommittedAndNotRetried() throws Exception {
        RpcChannel ch = retrying(5);
        String tag = tag("committed");

        Outcome outcome = call(ch, TestService.FLAKY_RANGE, CallOptions.DEFAULT, new Metadata(), tag);

        assertThat(outcome.responses()).containsExactly("first");
        assertThat(outcome.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(progress(tag)).isEqualTo(1);
    }

    @Test
    void clientStreamingCallIsRetriedWithEveryRequestReplayed() throws Exception {
        RpcChannel ch = retrying(4);
        String tag = tag("collect");
        Metadata headers = Metadata.of("x-tag", tag).put("x-failures", "2");
        Outcome outcome = call(ch, TestService.FLAKY_COLLECT, CallOptions.DEFAULT, headers, List.of("a", "b", "c"));

        assertThat(outcome.status().code()).isEqualTo(Status.Code.OK);
        assertThat(outcome.responses()).containsExactly("abc");
        assertThat(progress(tag)).isEqualTo(3);
    }

    @Test
    void serviceConfigTimeoutBoundsCallsThatSetNone() {
        RpcChannel ch = newChannel(b -> b.serviceConfig("""
                {"methodConfig": [{"name": [{"service": "conduit.test.TestService", "method": "Hang"}],
                                   "timeout": "0.2s"}]}"""));

        CompletableFuture<StringValue> hung =
                ClientCalls.futureUnary(ch, TestService.HANG, CallOptions.DEFAULT, StringValue.of(tag("hang")));

        assertThatThrownBy(() -> hung.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(RpcException.class)
                .cause()
                .satisfies(e -> assertThat(((RpcException) e).code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(unary(ch, TestService.ECHO, "not bounded")).isEqualTo("not bounded");
    }
}
