package dev.conduit.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCall;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.Status;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The requests a channel keeps for retries: counted in its budget while a call could still be retried, given back
 * once the call is answered or ends, and never in the way of the answered call asking for more responses.
 */
class RetryBudgetTest {
    private static final MethodDescriptor<byte[], byte[]> ECHO =
            MethodDescriptor.of("test.Budget/Echo", MethodType.UNARY, Codecs.bytes(), Codecs.bytes());
    private static final MethodDescriptor<byte[], byte[]> COUNT =
            MethodDescriptor.of("test.Budget/Count", MethodType.SERVER_STREAMING, Codecs.bytes(), Codecs.bytes());

    private final CountDownLatch answer = new CountDownLatch(1);
    private final Conduit conduit = Conduit.builder().name("retry-budget").build();
    private final RpcServer server = RpcServer.builder(conduit)
            .listen("inproc://retry-budget-" + System.nanoTime())
            .addService(ServiceDefinition.builder("test.Budget")
                    .unary(ECHO, (request, responses) -> {
                        responses.onNext(request);
                        responses.onCompleted();
                    })
                    .serverStreaming(COUNT, (request, responses) -> {
                        try {
                            answer.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        int n = ByteBuffer.wrap(request).getInt();
                        for (int i = 0; i < n; i++) {
                            responses.onNext(ByteBuffer.allocate(4).putInt(i).array());
                        }
                        responses.onCompleted();
                    })
                    .build())
            .start();
    private final RpcChannel channel = RpcChannel.builder(conduit)
            .target(server.endpoints().get(0).toString())
            .build();

    @AfterEach
    void close() {
        answer.countDown();
        channel.close();
        server.close();
        conduit.close();
    }

    @Test
    void unaryCallsGiveBackWhatTheyKept() {
        RetryingCall<byte[], byte[]> probe = newCall(ECHO);
        for (int i = 0; i < 50; i++) {
            byte[] request = new byte[100 + i];
            assertThat(ClientCalls.blockingUnary(channel, ECHO, CallOptions.DEFAULT, request))
                    .isEqualTo(request);
            assertThat(probe.retryBudgetUsed()).as("after call %d", i).isZero();
        }
    }

    /**
     * A stream's request is kept until its first response, then given back; from then on the client asks for one
     * response at a time from the listener (no attempt can follow an answered one, so these requests go straight to
     * it), and every response arrives.
     */
    @Test
    void aStreamKeepsItsRequestUntilAnsweredThenAsksForEachResponse() throws Exception {
        int count = 500;
        RetryingCall<byte[], byte[]> call = newCall(COUNT);
        AtomicInteger received = new AtomicInteger();
        CompletableFuture<Status> closed = new CompletableFuture<>();
        long[] usedAtFirst = {-1};
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onMessage(byte[] message) {
                        int i = received.getAndIncrement();
                        if (i == 0) {
                            usedAtFirst[0] = call.retryBudgetUsed();
                        }
                        if (ByteBuffer.wrap(message).getInt() != i) {
                            closed.completeExceptionally(new AssertionError("response " + i + " out of order"));
                        }
                        call.request(1);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        closed.complete(status);
                    }
                },
                new Metadata());
        call.request(1);
        byte[] request = ByteBuffer.allocate(64).putInt(count).array();
        call.sendMessage(request);
        call.halfClose();
        assertThat(call.retryBudgetUsed())
                .as("kept for a retry while unanswered")
                .isEqualTo(64);

        answer.countDown();
        assertThat(closed.get(30, TimeUnit.SECONDS).isOk()).isTrue();
        assertThat(received).hasValue(count);
        assertThat(usedAtFirst[0]).as("given back by the first response").isZero();
        assertThat(call.retryBudgetUsed()).isZero();
    }

    @Test
    void aCancelledCallGivesBackWhatItKept() throws Exception {
        RetryingCall<byte[], byte[]> call = newCall(COUNT);
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        closed.complete(status);
                    }
                },
                new Metadata());
        call.sendMessage(ByteBuffer.allocate(32).putInt(1).array());
        assertThat(call.retryBudgetUsed()).isEqualTo(32);
        call.cancel("test", null);
        assertThat(closed.get(30, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.CANCELLED);
        assertThat(call.retryBudgetUsed()).isZero();
    }

    @SuppressWarnings("unchecked")
    private <Req, Resp> RetryingCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method) {
        // Without interceptors a channel's call is the retrying call itself.
        return (RetryingCall<Req, Resp>) channel.newCall(method, CallOptions.DEFAULT);
    }
}
