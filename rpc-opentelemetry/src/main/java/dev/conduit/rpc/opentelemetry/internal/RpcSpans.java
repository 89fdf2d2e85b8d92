package dev.conduit.rpc.opentelemetry.internal;

import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.Status;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.util.EnumSet;
import java.util.Set;

/** The RPC semantic conventions for spans: names, attributes, message events and how a status maps to an error. */
final class RpcSpans {
    private RpcSpans() {}

    static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    static final AttributeKey<Long> RPC_GRPC_STATUS_CODE = AttributeKey.longKey("rpc.grpc.status_code");
    static final AttributeKey<String> MESSAGE_TYPE = AttributeKey.stringKey("rpc.message.type");
    static final AttributeKey<Long> MESSAGE_ID = AttributeKey.longKey("rpc.message.id");

    /** Conduit speaks gRPC's status codes and method names on every transport, so its calls are gRPC calls. */
    static final String SYSTEM = "grpc";

    /** The codes a server reports as its own failure; the rest are the client's doing (semantic conventions). */
    private static final Set<Status.Code> SERVER_ERRORS = EnumSet.of(
            Status.Code.UNKNOWN,
            Status.Code.DEADLINE_EXCEEDED,
            Status.Code.UNIMPLEMENTED,
            Status.Code.INTERNAL,
            Status.Code.UNAVAILABLE,
            Status.Code.DATA_LOSS);

    /** A span named {@code package.Service/Method}, with the method's attributes. */
    static SpanBuilder builder(Tracer tracer, MethodDescriptor<?, ?> method) {
        return tracer.spanBuilder(method.fullName())
                .setAttribute(RPC_SYSTEM, SYSTEM)
                .setAttribute(RPC_SERVICE, method.serviceName())
                .setAttribute(RPC_METHOD, method.methodName());
    }

    /** A message event: {@code SENT} or {@code RECEIVED}, numbered from 1 per direction. */
    static void message(Span span, String type, long id) {
        span.addEvent("message", Attributes.of(MESSAGE_TYPE, type, MESSAGE_ID, id));
    }

    /** Records {@code status} and ends the span; a client span is an error for any code but OK. */
    static void end(Span span, Status status, boolean server) {
        span.setAttribute(RPC_GRPC_STATUS_CODE, (long) status.code().value());
        if (server ? SERVER_ERRORS.contains(status.code()) : !status.isOk()) {
            String description = status.description();
            span.setStatus(
                    StatusCode.ERROR,
                    description == null ? status.code().name() : status.code().name() + ": " + description);
        }
        span.end();
    }
}
