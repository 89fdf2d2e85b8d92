package dev.conduit.rpc;

import dev.conduit.rpc.internal.ServerAdapters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A service's methods and their handlers, ready to be added to an {@link RpcServer}. Generated code builds one from a
 * service implementation; by hand:
 *
 * <pre>{@code
 * ServiceDefinition echo = ServiceDefinition.builder("demo.Echo")
 *         .unary(ECHO, (request, responses) -> {
 *             responses.onNext(request);
 *             responses.onCompleted();
 *         })
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe once built.
 */
public final class ServiceDefinition {
    private final String name;
    private final List<ServerMethodDefinition<?, ?>> methods;

    private ServiceDefinition(String name, List<ServerMethodDefinition<?, ?>> methods) {
        this.name = name;
        this.methods = Collections.unmodifiableList(methods);
    }

    /** A builder for the service {@code name} ({@code package.Service}). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The service name, {@code package.Service}. */
    public String name() {
        return name;
    }

    /** The methods, in the order they were added. */
    public List<ServerMethodDefinition<?, ?>> methods() {
        return methods;
    }

    /** The same service with {@code interceptor} in front of every method (outermost). */
    public ServiceDefinition intercept(ServerInterceptor interceptor) {
        List<ServerMethodDefinition<?, ?>> wrapped = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> m : methods) {
            wrapped.add(m.intercept(interceptor));
        }
        return new ServiceDefinition(name, wrapped);
    }

    /** Collects the methods of a {@link ServiceDefinition}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final Map<String, ServerMethodDefinition<?, ?>> methods = new LinkedHashMap<>();

        private Builder(String name) {
            if (name.isEmpty() || name.indexOf('/') >= 0) {
                throw new IllegalArgumentException("service name '" + name + "' must be 'package.Service'");
            }
            this.name = name;
        }

        /** Adds a {@link MethodType#UNARY} method. */
        public <Req, Resp> Builder unary(MethodDescriptor<Req, Resp> method, UnaryMethod<Req, Resp> handler) {
            return add(method, MethodType.UNARY, ServerAdapters.unary(method, handler));
        }

        /** Adds a {@link MethodType#SERVER_STREAMING} method. */
        public <Req, Resp> Builder serverStreaming(MethodDescriptor<Req, Resp> method, UnaryMethod<Req, Resp> handler) {
            return add(method, MethodType.SERVER_STREAMING, ServerAdapters.unary(method, handler));
        }

        /** Adds a {@link MethodType#CLIENT_STREAMING} method. */
        public <Req, Resp> Builder clientStreaming(
                MethodDescriptor<Req, Resp> method, StreamingMethod<Req, Resp> handler) {
            return add(method, MethodType.CLIENT_STREAMING, ServerAdapters.streaming(method, handler));
        }

        /** Adds a {@link MethodType#BIDI_STREAMING} method. */
        public <Req, Resp> Builder bidiStreaming(
                MethodDescriptor<Req, Resp> method, StreamingMethod<Req, Resp> handler) {
            return add(method, MethodType.BIDI_STREAMING, ServerAdapters.streaming(method, handler));
        }

        /** Adds a method of any kind with a low-level handler. */
        public <Req, Resp> Builder method(MethodDescriptor<Req, Resp> method, ServerCallHandler<Req, Resp> handler) {
            return add(method, method.type(), handler);
        }

        private <Req, Resp> Builder add(
                MethodDescriptor<Req, Resp> method, MethodType expected, ServerCallHandler<Req, Resp> handler) {
            Objects.requireNonNull(handler, "handler");
            if (!method.serviceName().equals(name)) {
                throw new IllegalArgumentException(method.fullName() + " is not a method of service " + name);
            }
            if (method.type() != expected) {
                throw new IllegalArgumentException(
                        method.fullName() + " is " + method.type() + ", not " + expected + "; use the matching method");
            }
            if (methods.putIfAbsent(method.fullName(), new ServerMethodDefinition<>(method, handler)) != null) {
                throw new IllegalArgumentException(method.fullName() + " is added twice");
            }
            return this;
        }

        /** The service. */
        public ServiceDefinition build() {
            return new ServiceDefinition(name, new ArrayList<>(methods.values()));
        }
    }
}
