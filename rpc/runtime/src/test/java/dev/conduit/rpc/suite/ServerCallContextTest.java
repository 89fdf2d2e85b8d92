package dev.conduit.rpc.suite;

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
import dev.conduit.rpc.ServerCallContext;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.Status;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A handler's view of its call: what it adds from any thread reaches the client; cancellation actions run once. */
class ServerCallContextTest {
    private static final MethodDescriptor<String, String> TRAILERS =
            MethodDescriptor.of("conduit.test.Context/Trailers", MethodType.UNARY, Codecs.text(), Codecs.text());
    private static final MethodDescriptor<String, String> WAIT_FOR_CANCEL =
            MethodDescriptor.of("conduit.test.Context/WaitForCancel", MethodType.UNARY, Codecs.text(), Codecs.text());

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final CountDownLatch handlerWaits = new CountDownLatch(1);
    private final CountDownLatch handlerDone = new CountDownLatch(1);
    private Conduit conduit;
    private RpcServer server;
    private RpcChannel channel;

    @BeforeEach
    void start() {
        conduit = Conduit.builder().name("server-call-context").build();
        ServiceDefinition service = ServiceDefinition.builder("conduit.test.Context")
                .unary(TRAILERS, (request, out) -> {
                    ServerCallContext context = out.context();
                    // The first use of each is on another thread: the handler must find what that thread added.
                    Thread helper = new Thread(() -> {
                        context.responseTrailers().put("x-from", "helper");
                        context.responseHeaders().put("x-header", "helper");
                    });
                    helper.start();
                    join(helper);
                    context.responseTrailers().put("x-from", "handler");
                    out.onNext(request);
                    out.onCompleted();
                })
                .unary(WAIT_FOR_CANCEL, (request, out) -> {
                    ServerCallContext context = out.context();
                    CountDownLatch cancelled = new CountDownLatch(1);
                    context.onCancel(() -> events.add("added before the cancel"));
                    context.onCancel(cancelled::countDown);
                    handlerWaits.countDown();
                    await(cancelled);
                    Thread handler = Thread.currentThread();
                    context.onCancel(() -> events.add("added after the cancel, run "
                            + (Thread.currentThread() == handler ? "at once" : "later")));
                    handlerDone.countDown();
                })
                .build();
        server = RpcServer.builder(conduit)
                .listen("inproc://*")
                .addService(service)
                .start();
        channel = RpcChannel.builder(conduit)
                .target(server.endpoints().get(0).toString())
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.close();
        server.close();
        conduit.close();
    }

    @Test
    void trailersAndHeadersFirstAddedOnAnotherThreadReachTheClientWithTheHandlersOwn() throws Exception {
        ClientCall<String, String> call = channel.newCall(TRAILERS, CallOptions.DEFAULT);
        CompletableFuture<Metadata> trailers = new CompletableFuture<>();
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onClose(Status status, Metadata t) {
                        if (status.isOk()) {
                            trailers.complete(t);
                        } else {
                            trailers.completeExceptionally(status.asException(t));
                        }
                    }
                },
                new Metadata());
        call.request(1);
        call.sendMessage("hello");
        call.halfClose();
        Metadata received = trailers.get(30, TimeUnit.SECONDS);
        assertThat(received.getAll("x-from")).containsExactly("helper", "handler");
        assertThat(received.get("x-header"))
                .as("response headers travel with the trailers on Conduit's protocol")
                .isEqualTo("helper");
    }

    @Test
    void cancellationActionsRunOnceWhetherAddedBeforeOrAfterTheCancel() throws Exception {
        CompletableFuture<String> response =
                ClientCalls.futureUnary(channel, WAIT_FOR_CANCEL, CallOptions.DEFAULT, "wait");
        assertThat(handlerWaits.await(30, TimeUnit.SECONDS)).isTrue();
        response.cancel(true);
        assertThat(handlerDone.await(30, TimeUnit.SECONDS))
                .as("the handler saw the cancel")
                .isTrue();
        assertThat(events).containsExactly("added before the cancel", "added after the cancel, run at once");
    }

    private static void join(Thread thread) {
        try {
            thread.join(30_000);
            assertThat(thread.isAlive()).isFalse();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
