package dev.conduit.rpc.reflection;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.reflection.v1.ErrorResponse;
import dev.conduit.rpc.reflection.v1.ExtensionNumberResponse;
import dev.conduit.rpc.reflection.v1.ExtensionRequest;
import dev.conduit.rpc.reflection.v1.FileDescriptorResponse;
import dev.conduit.rpc.reflection.v1.ListServiceResponse;
import dev.conduit.rpc.reflection.v1.ServerReflectionRequest;
import dev.conduit.rpc.reflection.v1.ServerReflectionResponse;
import dev.conduit.rpc.reflection.v1.ServiceResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What reflection knows, built once from a server's services: their names, every file their descriptors reach
 * (transitively), the symbols those files declare, and the extensions they define. Immutable once built, so any number
 * of reflection streams share it.
 */
final class DescriptorIndex {
    private final List<String> services;
    /** File name to file; the first of two files with one name wins. */
    private final Map<String, FileDescriptor> files = new HashMap<>();
    /** Fully-qualified symbol to the file that declares it. */
    private final Map<String, FileDescriptor> symbols = new HashMap<>();
    /** Every message type's full name, for questions about a type's extensions. */
    private final Set<String> messageTypes = new HashSet<>();
    /** Extended message type to its extensions, by number. */
    private final Map<String, Map<Integer, FieldDescriptor>> extensions = new HashMap<>();

    DescriptorIndex(List<ServiceDefinition> definitions) {
        Set<String> names = new TreeSet<>();
        for (ServiceDefinition d : definitions) {
            names.add(d.name());
            ServiceDescriptor descriptor = d.protoDescriptor();
            if (descriptor != null) {
                addFile(descriptor.getFile());
            }
        }
        services = List.copyOf(names);
    }

    private void addFile(FileDescriptor root) {
        Deque<FileDescriptor> toVisit = new ArrayDeque<>(List.of(root));
        while (!toVisit.isEmpty()) {
            FileDescriptor file = toVisit.pop();
            if (files.putIfAbsent(file.getName(), file) != null) {
                continue;
            }
            for (ServiceDescriptor s : file.getServices()) {
                symbols.putIfAbsent(s.getFullName(), file);
                for (MethodDescriptor m : s.getMethods()) {
                    symbols.putIfAbsent(m.getFullName(), file);
                }
            }
            file.getMessageTypes().forEach(m -> addMessage(file, m));
            file.getEnumTypes().forEach(e -> addEnum(file, e));
            file.getExtensions().forEach(x -> addExtension(file, x));
            toVisit.addAll(file.getDependencies());
        }
    }

    private void addMessage(FileDescriptor file, Descriptor message) {
        symbols.putIfAbsent(message.getFullName(), file);
        messageTypes.add(message.getFullName());
        message.getNestedTypes().forEach(m -> addMessage(file, m));
        message.getEnumTypes().forEach(e -> addEnum(file, e));
        message.getExtensions().forEach(x -> addExtension(file, x));
    }

    private void addEnum(FileDescriptor file, EnumDescriptor e) {
        symbols.putIfAbsent(e.getFullName(), file);
    }

    private void addExtension(FileDescriptor file, FieldDescriptor extension) {
        symbols.putIfAbsent(extension.getFullName(), file);
        extensions
                .computeIfAbsent(extension.getContainingType().getFullName(), t -> new TreeMap<>())
                .putIfAbsent(extension.getNumber(), extension);
    }

    /** The answer to one request; never throws for what a client asks. */
    ServerReflectionResponse answer(ServerReflectionRequest request) {
        ServerReflectionResponse.Builder response = ServerReflectionResponse.newBuilder()
                .setValidHost(request.getHost())
                .setOriginalRequest(request);
        switch (request.getMessageRequestCase()) {
            case LIST_SERVICES -> {
                ListServiceResponse.Builder list = ListServiceResponse.newBuilder();
                services.forEach(
                        name -> list.addService(ServiceResponse.newBuilder().setName(name)));
                response.setListServicesResponse(list);
            }
            case FILE_BY_FILENAME -> {
                String name = request.getFileByFilename();
                fileOrError(response, files.get(name), "no file named '" + name + "'");
            }
            case FILE_CONTAINING_SYMBOL -> {
                String symbol = request.getFileContainingSymbol();
                fileOrError(response, symbols.get(symbol), "no file declares the symbol '" + symbol + "'");
            }
            case FILE_CONTAINING_EXTENSION -> {
                ExtensionRequest x = request.getFileContainingExtension();
                FieldDescriptor extension =
                        extensions.getOrDefault(x.getContainingType(), Map.of()).get(x.getExtensionNumber());
                fileOrError(
                        response,
                        extension == null ? null : extension.getFile(),
                        "no extension " + x.getExtensionNumber() + " of type '" + x.getContainingType() + "'");
            }
            case ALL_EXTENSION_NUMBERS_OF_TYPE -> {
                String type = request.getAllExtensionNumbersOfType();
                if (!messageTypes.contains(type)) {
                    error(response, Status.Code.NOT_FOUND, "no message type '" + type + "'");
                } else {
                    response.setAllExtensionNumbersResponse(ExtensionNumberResponse.newBuilder()
                            .setBaseTypeName(type)
                            .addAllExtensionNumber(
                                    extensions.getOrDefault(type, Map.of()).keySet()));
                }
            }
            default ->
                error(
                        response,
                        Status.Code.UNIMPLEMENTED,
                        "the request asks nothing this server knows; set one of file_by_filename,"
                                + " file_containing_symbol, file_containing_extension, all_extension_numbers_of_type,"
                                + " list_services");
        }
        return response.build();
    }

    /** The file, then every file it depends on, transitively, each once; or NOT_FOUND. */
    private static void fileOrError(
            ServerReflectionResponse.Builder response, @Nullable FileDescriptor file, String notFound) {
        if (file == null) {
            error(response, Status.Code.NOT_FOUND, notFound);
            return;
        }
        Set<FileDescriptor> closure = new LinkedHashSet<>();
        Deque<FileDescriptor> toVisit = new ArrayDeque<>(List.of(file));
        while (!toVisit.isEmpty()) {
            FileDescriptor f = toVisit.pop();
            if (closure.add(f)) {
                toVisit.addAll(f.getDependencies());
            }
        }
        FileDescriptorResponse.Builder files = FileDescriptorResponse.newBuilder();
        for (FileDescriptor f : closure) {
            files.addFileDescriptorProto(f.toProto().toByteString());
        }
        response.setFileDescriptorResponse(files);
    }

    private static void error(ServerReflectionResponse.Builder response, Status.Code code, String message) {
        response.setErrorResponse(
                ErrorResponse.newBuilder().setErrorCode(code.value()).setErrorMessage(message));
    }
}
