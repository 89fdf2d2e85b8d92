package dev.conduit.rpc.compiler;

import com.google.protobuf.DescriptorProtos.Edition;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a request into one Java file per service, {@code <java package>/<Service>Rpc.java}. */
final class StubGenerator {
    static final long SUPPORTED_FEATURES = CodeGeneratorResponse.Feature.FEATURE_PROTO3_OPTIONAL_VALUE
            | CodeGeneratorResponse.Feature.FEATURE_SUPPORTS_EDITIONS_VALUE;

    private final CodeGeneratorRequest request;
    private final GeneratorOptions options;
    private final ProtoTypes types;

    StubGenerator(CodeGeneratorRequest request) {
        this.request = request;
        this.options = GeneratorOptions.parse(request.getParameter());
        this.types = new ProtoTypes(request.getProtoFileList());
    }

    CodeGeneratorResponse generate() {
        Map<String, FileDescriptorProto> byName = new HashMap<>();
        for (FileDescriptorProto f : request.getProtoFileList()) {
            byName.put(f.getName(), f);
        }
        CodeGeneratorResponse.Builder response = CodeGeneratorResponse.newBuilder()
                .setSupportedFeatures(SUPPORTED_FEATURES)
                .setMinimumEdition(Edition.EDITION_PROTO2_VALUE)
                .setMaximumEdition(Edition.EDITION_2024_VALUE);
        Set<String> written = new HashSet<>();
        for (String name : request.getFileToGenerateList()) {
            FileDescriptorProto file = byName.get(name);
            if (file == null) {
                throw new GeneratorException(name + ": protoc asked for a file it did not describe");
            }
            DocComments comments = new DocComments(file);
            for (int s = 0; s < file.getServiceCount(); s++) {
                String where = name + ": service " + file.getService(s).getName();
                ServiceModel service;
                String content;
                try {
                    service = model(file, s, comments);
                    content = new ServiceWriter(service).write();
                } catch (GeneratorException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // A bug of ours, not the user's: still say where, and what, without a stack trace.
                    throw new GeneratorException(where + ": the generator failed (" + e + "); please report it");
                }
                String path = service.javaPackage().replace('.', '/');
                path = (path.isEmpty() ? "" : path + "/") + service.className() + ".java";
                if (!written.add(path)) {
                    throw new GeneratorException(
                            where + ": another service already generates " + path + "; rename one of them");
                }
                response.addFile(
                        CodeGeneratorResponse.File.newBuilder().setName(path).setContent(content));
            }
        }
        return response.build();
    }

    private ServiceModel model(FileDescriptorProto file, int index, DocComments comments) {
        ServiceDescriptorProto service = file.getService(index);
        String where = file.getName() + ": service " + service.getName();
        String javaPackage = ProtoTypes.javaPackage(file);
        List<ServiceModel.Method> methods = new ArrayList<>();
        Set<String> javaNames = new HashSet<>(ServiceWriter.RESERVED_MEMBERS);
        for (int m = 0; m < service.getMethodCount(); m++) {
            MethodDescriptorProto method = service.getMethod(m);
            String at = where + ", method " + method.getName();
            String javaName = JavaNames.methodName(method.getName());
            while (!javaNames.add(javaName)) {
                javaName = javaName + "_";
            }
            String constant = "METHOD_" + JavaNames.constantName(method.getName());
            while (!javaNames.add(constant)) {
                constant = constant + "_";
            }
            methods.add(new ServiceModel.Method(
                    method.getName(),
                    javaName,
                    constant,
                    ServiceModel.Kind.of(method.getClientStreaming(), method.getServerStreaming()),
                    types.javaName(method.getInputType(), at),
                    types.javaName(method.getOutputType(), at),
                    comments.method(index, m),
                    method.getOptions().getDeprecated()));
        }
        String protoName =
                file.getPackage().isEmpty() ? service.getName() : file.getPackage() + "." + service.getName();
        boolean lite = options.lite() || file.getOptions().getOptimizeFor() == FileOptions.OptimizeMode.LITE_RUNTIME;
        return new ServiceModel(
                file.getName(),
                javaPackage,
                className(file, service, javaPackage),
                service.getName(),
                protoName,
                lite ? "" : ProtoTypes.qualify(javaPackage, ProtoTypes.outerClassName(file)),
                comments.service(index),
                service.getOptions().getDeprecated(),
                methods);
    }

    /** {@code <Service>Rpc}, unless a class of that name already lives in the package. */
    private String className(FileDescriptorProto file, ServiceDescriptorProto service, String javaPackage) {
        Set<String> taken = new HashSet<>();
        for (FileDescriptorProto f : request.getProtoFileList()) {
            if (ProtoTypes.javaPackage(f).equals(javaPackage)) {
                taken.add(ProtoTypes.outerClassName(f));
                f.getMessageTypeList().forEach(m -> taken.add(m.getName()));
                f.getEnumTypeList().forEach(e -> taken.add(e.getName()));
            }
        }
        String name = JavaNames.camelCase(service.getName(), true) + "Rpc";
        while (taken.contains(name)) {
            name = name + "_";
        }
        return name;
    }
}
