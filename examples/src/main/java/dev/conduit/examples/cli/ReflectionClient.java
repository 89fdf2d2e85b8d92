package dev.conduit.examples.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TypeRegistry;
import dev.conduit.rpc.BlockingStreamCall;
import dev.conduit.rpc.CallFactory;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.reflection.ReflectionService;
import dev.conduit.rpc.reflection.v1.ServerReflectionRequest;
import dev.conduit.rpc.reflection.v1.ServerReflectionResponse;
import dev.conduit.rpc.reflection.v1.ServiceResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Asks a server's reflection service for its services and their {@code .proto} files, and builds descriptors from
 * them, as grpcurl does: grpc.reflection.v1 first, v1alpha if the server does not know v1. One stream serves every
 * question; files are cached, and a dependency the server did not send is asked for by name. Not thread-safe; closing
 * ends the stream.
 */
final class ReflectionClient implements AutoCloseable {
    private final CallFactory channel;
    private final CallOptions options;
    private @Nullable BlockingStreamCall<ServerReflectionRequest, ServerReflectionResponse> stream;
    private boolean v1alpha;
    private final Map<String, FileDescriptorProto> protos = new HashMap<>();
    private final Map<String, FileDescriptor> files = new HashMap<>();
    private final Set<String> building = new HashSet<>();

    ReflectionClient(CallFactory channel, CallOptions options) {
        this.channel = channel;
        this.options = options;
    }

    /** The server's services, as it lists them. */
    List<String> services() {
        ServerReflectionResponse response =
                ask(ServerReflectionRequest.newBuilder().setListServices("").build());
        return response.getListServicesResponse().getServiceList().stream()
                .map(ServiceResponse::getName)
                .toList();
    }

    /**
     * The file that declares {@code symbol}, built with its dependencies.
     *
     * @throws RpcException NOT_FOUND (with the server's message) if no file declares it
     */
    FileDescriptor fileContaining(String symbol) {
        ServerReflectionResponse response = ask(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol(symbol)
                .build());
        return build(remember(response));
    }

    /** Every message type of every file built so far, for JSON's {@code Any}. */
    TypeRegistry typeRegistry() {
        TypeRegistry.Builder registry = TypeRegistry.newBuilder();
        for (FileDescriptor f : files.values()) {
            for (Descriptor message : f.getMessageTypes()) {
                registry.add(message);
            }
        }
        return registry.build();
    }

    /** Stores the files of a response; returns the name of the first, the one asked for. */
    private String remember(ServerReflectionResponse response) {
        List<ByteString> sent = response.getFileDescriptorResponse().getFileDescriptorProtoList();
        if (sent.isEmpty()) {
            throw Status.INTERNAL
                    .withDescription("the server's reflection answered with no file")
                    .asException();
        }
        List<String> names = new ArrayList<>();
        for (ByteString bytes : sent) {
            try {
                FileDescriptorProto proto = FileDescriptorProto.parseFrom(bytes);
                protos.putIfAbsent(proto.getName(), proto);
                names.add(proto.getName());
            } catch (InvalidProtocolBufferException e) {
                throw Status.INTERNAL
                        .withDescription("the server's reflection sent a file that is not a FileDescriptorProto")
                        .asException();
            }
        }
        return names.get(0);
    }

    private FileDescriptor build(String name) {
        FileDescriptor built = files.get(name);
        if (built != null) {
            return built;
        }
        if (!building.add(name)) {
            throw Status.INTERNAL
                    .withDescription("the server's files import each other in a cycle through " + name)
                    .asException();
        }
        FileDescriptorProto proto = protos.get(name);
        if (proto == null) {
            remember(ask(
                    ServerReflectionRequest.newBuilder().setFileByFilename(name).build()));
            proto = protos.get(name);
            if (proto == null) {
                throw Status.INTERNAL
                        .withDescription("asked for " + name + ", the server's reflection sent other files")
                        .asException();
            }
        }
        FileDescriptor[] dependencies = new FileDescriptor[proto.getDependencyCount()];
        for (int i = 0; i < dependencies.length; i++) {
            dependencies[i] = build(proto.getDependency(i));
        }
        try {
            built = FileDescriptor.buildFrom(proto, dependencies);
        } catch (DescriptorValidationException e) {
            throw Status.INTERNAL
                    .withDescription("the server's descriptor of " + name + " is not valid: " + e.getMessage())
                    .asException();
        }
        building.remove(name);
        files.put(name, built);
        return built;
    }

    /** One question, one answer; an error answer becomes an RpcException with its code and message. */
    private ServerReflectionResponse ask(ServerReflectionRequest request) {
        ServerReflectionResponse response;
        try {
            response = exchange(request);
        } catch (RpcException e) {
            if (v1alpha || e.status().code() != Status.Code.UNIMPLEMENTED) {
                throw e;
            }
            close();
            v1alpha = true;
            try {
                response = exchange(request);
            } catch (RpcException again) {
                if (again.status().code() == Status.Code.UNIMPLEMENTED) {
                    throw Status.UNIMPLEMENTED
                            .withDescription("the server offers no reflection (neither grpc.reflection.v1 nor v1alpha):"
                                    + " add it with RpcServer.Builder.addReflectionService()")
                            .asException();
                }
                throw again;
            }
        }
        if (response.hasErrorResponse()) {
            throw Status.Code.fromValue(response.getErrorResponse().getErrorCode())
                    .toStatus()
                    .withDescription(response.getErrorResponse().getErrorMessage())
                    .asException();
        }
        return response;
    }

    private ServerReflectionResponse exchange(ServerReflectionRequest request) {
        if (stream == null) {
            MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> method =
                    v1alpha ? ReflectionService.V1ALPHA : ReflectionService.V1;
            stream = ClientCalls.blockingStream(channel, method, options);
        }
        stream.send(request);
        ServerReflectionResponse response = stream.receive();
        if (response == null) {
            throw Status.INTERNAL
                    .withDescription("the server's reflection ended the stream without answering")
                    .asException();
        }
        return response;
    }

    @Override
    public void close() {
        if (stream != null) {
            stream.close();
            stream = null;
        }
    }
}
