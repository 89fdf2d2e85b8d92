package dev.conduit.rpc.suite;

import com.google.protobuf.StringValue;
import dev.conduit.core.Conduit;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCall;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

/**
 * What the per-transport suites share: one server per transport (started once per parameter), a client runtime and
 * channel, and small helpers. Every wait is bounded; nothing sleeps.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SuiteFixture {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Parameter
    TransportCase transport;

    TestServers.Handle server;
    Conduit conduit;
    RpcChannel channel;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeParameterizedClassInvocation
    void startServer() {
        server = transport.startServer();
        conduit = Conduit.builder().name("client").build();
        channel = createChannel(b -> {});
    }

    @AfterParameterizedClassInvocation
    void stopServer() throws Exception {
        channel.close();
        conduit.close();
        server.close();
    }

    @AfterEach
    void closeTestResources() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        toClose.clear();
    }

    /** A channel to the suite's server with extra settings, closed after the test. */
    RpcChannel newChannel(Consumer<RpcChannel.Builder> settings) {
        return closeLater(createChannel(settings));
    }

    private RpcChannel createChannel(Consumer<RpcChannel.Builder> settings) {
        RpcChannel.Builder b = RpcChannel.builder(conduit).target(server.uri());
        settings.accept(b);
        return b.build();
    }

    <T extends AutoCloseable> T closeLater(T resource) {
        toClose.add(resource);
        return resource;
    }

    static String tag(String what) {
        return what + "-" + System.nanoTime();
    }

    String unary(MethodDescriptor<StringValue, StringValue> method, String request) {
        return unary(channel, method, request);
    }

    static String unary(RpcChannel ch, MethodDescriptor<StringValue, StringValue> method, String request) {
        return ClientCalls.blockingUnary(ch, method, CallOptions.DEFAULT, StringValue.of(request))
                .getValue();
    }

    String events(String tag) {
        return unary(TestService.EVENTS, tag);
    }

    long progress(String tag) {
        return progress(channel, tag);
    }

    /** Progress as seen through {@code ch}'s connection (over pipe:, each connection has a server of its own). */
    static long progress(RpcChannel ch, String tag) {
        return Long.parseLong(unary(ch, TestService.PROGRESS, tag));
    }

    /** A call's final status and trailers, for tests that look at trailers of successful calls. */
    record Outcome(Status status, Metadata trailers, List<String> responses) {}

    static Outcome call(
            RpcChannel ch,
            MethodDescriptor<StringValue, StringValue> method,
            CallOptions options,
            Metadata headers,
            String request)
            throws Exception {
        return call(ch, method, options, headers, List.of(request));
    }

    /** Like {@link #call(RpcChannel, MethodDescriptor, CallOptions, Metadata, String)}, with several requests. */
    static Outcome call(
            RpcChannel ch,
            MethodDescriptor<StringValue, StringValue> method,
            CallOptions options,
            Metadata headers,
            List<String> requests)
            throws Exception {
        ClientCall<StringValue, StringValue> call = ch.newCall(method, options);
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        List<String> responses = new ArrayList<>();
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onMessage(StringValue message) {
                        responses.add(message.getValue());
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        done.complete(new Outcome(status, trailers, responses));
                    }
                },
                headers);
        call.request(1);
        for (String request : requests) {
            call.sendMessage(StringValue.of(request));
        }
        call.halfClose();
        return done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
}
