package dev.conduit.rpc.reflection;

import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.ServerResponseObserver;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.StreamObserver;
import dev.conduit.rpc.reflection.v1.ServerReflectionRequest;
import dev.conduit.rpc.reflection.v1.ServerReflectionResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * gRPC's server reflection service, under both of its names, {@code grpc.reflection.v1.ServerReflection} and the
 * older {@code grpc.reflection.v1alpha.ServerReflection} (grpcurl asks for v1 and falls back). An {@link
 * dev.conduit.rpc.RpcServer} adds it with {@link dev.conduit.rpc.RpcServer.Builder#addReflectionService()}; it then
 * describes every service of that server, itself included.
 *
 * <p>It answers every question of the protocol: the services' names; a file by name; the file declaring a symbol
 * (service, method as {@code pkg.Service.Method}, message, enum, extension); the file declaring an extension; the
 * numbers of a type's known extensions. A file comes with every file it depends on, transitively. What it does not
 * know gets an error response with {@code NOT_FOUND}. A service defined without a {@link
 * ServiceDefinition#protoDescriptor() descriptor} is listed, but no file declares it.
 *
 * <p>Both names use v1's message classes: the two versions' messages are the same on the wire. Clients call {@link
 * #V1} (or {@link #V1ALPHA}) as a bidirectional stream, one response per request, in order. Immutable and
 * thread-safe.
 */
public final class ReflectionService {
    /** {@code grpc.reflection.v1.ServerReflection}. */
    public static final String V1_SERVICE_NAME = "grpc.reflection.v1.ServerReflection";

    /** {@code grpc.reflection.v1alpha.ServerReflection}. */
    public static final String V1ALPHA_SERVICE_NAME = "grpc.reflection.v1alpha.ServerReflection";

    /** The v1 method, {@code ServerReflectionInfo}. */
    public static final MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> V1 =
            method(V1_SERVICE_NAME);

    /** The v1alpha method, with v1's message classes. */
    public static final MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> V1ALPHA =
            method(V1ALPHA_SERVICE_NAME);

    private ReflectionService() {}

    private static MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> method(String service) {
        return MethodDescriptor.protobuf(
                        service + "/ServerReflectionInfo",
                        MethodType.BIDI_STREAMING,
                        ServerReflectionRequest.getDefaultInstance(),
                        ServerReflectionResponse.getDefaultInstance())
                .asRegistered();
    }

    /**
     * The two reflection services (v1 and v1alpha), describing {@code served} and themselves.
     *
     * @param served every other service of the server, in the order added
     */
    public static List<ServiceDefinition> definitions(List<ServiceDefinition> served) {
        ServiceDefinition.Builder v1 = ServiceDefinition.builder(V1_SERVICE_NAME)
                .protoDescriptor(dev.conduit.rpc.reflection.v1.ServerReflectionProto.getDescriptor()
                        .findServiceByName("ServerReflection"));
        ServiceDefinition.Builder v1alpha = ServiceDefinition.builder(V1ALPHA_SERVICE_NAME)
                .protoDescriptor(dev.conduit.rpc.reflection.v1alpha.ServerReflectionProto.getDescriptor()
                        .findServiceByName("ServerReflection"));
        List<ServiceDefinition> all = new ArrayList<>(served);
        all.add(v1.build());
        all.add(v1alpha.build());
        DescriptorIndex index = new DescriptorIndex(all);
        return List.of(
                v1.bidiStreaming(V1, responses -> answering(index, responses)).build(),
                v1alpha.bidiStreaming(V1ALPHA, responses -> answering(index, responses))
                        .build());
    }

    private static StreamObserver<ServerReflectionRequest> answering(
            DescriptorIndex index, ServerResponseObserver<ServerReflectionResponse> responses) {
        return new StreamObserver<>() {
            @Override
            public void onNext(ServerReflectionRequest request) {
                responses.onNext(index.answer(request));
            }

            @Override
            public void onError(Throwable t) {
                // The client cancelled or the connection went: the call is over, nothing to answer.
            }

            @Override
            public void onCompleted() {
                responses.onCompleted();
            }
        };
    }
}
