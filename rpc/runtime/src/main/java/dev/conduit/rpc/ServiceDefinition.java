package dev.conduit.rpc;

import com.google.protobuf.Descriptors;
import dev.conduit.rpc.internal.ServerAdapters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
 * <p>A service may carry its protobuf {@link #protoDescriptor() descriptor} (generated stubs set it), so that {@link
 * RpcServer.Builder#addReflectionService() server reflection} can describe it; one without is listed by reflection but
 * has no file.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class ServiceDefinition {
    private final String name;
    private final List<ServerMethodDefinition<?, ?>> methods;
    private final Descriptors.@Nullable ServiceDescriptor protoDescriptor;

    private ServiceDefinition(
            String name,
            List<ServerMethodDefinition<?, ?>> methods,
            Descriptors.@Nullable ServiceDescriptor protoDescriptor) {
        this.name = name;
        this.methods = Collections.unmodifiableList(methods);
        this.protoDescriptor = protoDescriptor;
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

    /**
     * The service as protoc described it, with its file and that file's dependencies; {@code null} for a service
     * defined without one.
     */
    public Descriptors.@Nullable ServiceDescriptor protoDescriptor() {
        return protoDescriptor;
    }

    /** The same service with {@code interceptor} in front of every method (outermost). */
    public ServiceDefinition intercept(ServerInterceptor interceptor) {
        List<ServerMethodDefinition<?, ?>> wrapped = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> m : methods) {
            wrapped.add(m.intercept(interceptor));
        }
        return new ServiceDefinition(name, wrapped, protoDescriptor);
    }

    /** Collects the methods of a {@link ServiceDefinition}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final Map<String, ServerMethodDefinition<?, ?>> methods = new LinkedHashMap<>();
        private Descriptors.@Nullable ServiceDescriptor protoDescriptor;

        private Builder(String name) {
            if (name.isEmpty() || name.indexOf('/') >= 0) {
                throw new IllegalArgumentException("service name '" + name + "' must be 'package.Service'");
            }
            this.name = name;
        }

        /**
         * Attaches the service's protobuf descriptor, for server reflection; generated stubs call this.
         *
         * @throws IllegalArgumentException if the descriptor names another service
         */
        public Builder protoDescriptor(Descriptors.ServiceDescriptor descriptor) {
            if (!descriptor.getFullName().equals(name)) {
                throw new IllegalArgumentException(
                        "descriptor of " + descriptor.getFullName() + " given for service " + name);
            }
            this.protoDescriptor = descriptor;
            return this;
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
            return new ServiceDefinition(name, new ArrayList<>(methods.values()), protoDescriptor);
        }
    }
}
