package dev.conduit.rpc.opentelemetry;

import dev.conduit.core.Codecs;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.ServerResponseObserver;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.StreamObserver;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service of UTF-8 text messages, one method per call kind, so that a test knows every message's size on the wire:
 * its length in bytes (Conduit's transports never compress).
 */
final class TextService {
    static final String NAME = "otel.Text";

    /**
     * Answers the request; {@code fail:CODE} fails with that status; {@code hang} never answers; {@code flaky:N}
     * fails with UNAVAILABLE until N such calls have failed, then answers.
     */
    static final MethodDescriptor<String, String> ECHO = method("Echo", MethodType.UNARY);
    /** One response per character of the request. */
    static final MethodDescriptor<String, String> SPLIT = method("Split", MethodType.SERVER_STREAMING);
    /** The requests concatenated. */
    static final MethodDescriptor<String, String> JOIN = method("Join", MethodType.CLIENT_STREAMING);
    /** Each request answered as it arrives. */
    static final MethodDescriptor<String, String> CHAT = method("Chat", MethodType.BIDI_STREAMING);
    /** Not served by this service. */
    static final MethodDescriptor<String, String> MISSING = method("Missing", MethodType.UNARY);

    /** Counted down when an {@code hang} call reaches the handler. */
    final CountDownLatch hanging = new CountDownLatch(1);

    private final AtomicInteger flakyFailures = new AtomicInteger();

    /** Registered, as generated stubs' methods are: clients record them by name. */
    static MethodDescriptor<String, String> method(String name, MethodType type) {
        return unregistered(name, type).asRegistered();
    }

    /** As a client that takes method names from outside (a CLI, a proxy) makes them: not registered. */
    static MethodDescriptor<String, String> unregistered(String name, MethodType type) {
        return MethodDescriptor.of(NAME + "/" + name, type, Codecs.text(), Codecs.text());
    }

    ServiceDefinition definition() {
        return ServiceDefinition.builder(NAME)
                .unary(ECHO, this::echo)
                .serverStreaming(SPLIT, (request, out) -> {
                    request.chars().forEach(c -> out.onNext(String.valueOf((char) c)));
                    out.onCompleted();
                })
                .clientStreaming(JOIN, TextService::join)
                .bidiStreaming(CHAT, TextService::chat)
                .build();
    }

    private static StreamObserver<String> join(ServerResponseObserver<String> out) {
        StringBuilder joined = new StringBuilder();
        return new StreamObserver<String>() {
            @Override
            public void onNext(String value) {
                joined.append(value);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                out.onNext(joined.toString());
                out.onCompleted();
            }
        };
    }

    private static StreamObserver<String> chat(ServerResponseObserver<String> out) {
        return new StreamObserver<String>() {
            @Override
            public void onNext(String value) {
                out.onNext(value);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                out.onCompleted();
            }
        };
    }

    private void echo(String request, ServerResponseObserver<String> out) {
        if (request.startsWith("fail:")) {
            throw new RpcException(
                    Status.Code.valueOf(request.substring(5)).toStatus().withDescription("as asked"));
        }
        if (request.startsWith("flaky:") && flakyFailures.getAndIncrement() < Integer.parseInt(request.substring(6))) {
            throw new RpcException(Status.UNAVAILABLE.withDescription("failing on purpose"));
        }
        if (request.equals("hang")) {
            hanging.countDown();
            return;
        }
        out.onNext(request);
        out.onCompleted();
    }
}
