package dev.conduit.rpc.compiler;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.JavaFeaturesProto;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The test protos as protoc describes them (the build writes the descriptor set), and requests built from them. */
final class GeneratedStubs {
    static final Path DESCRIPTORS = Path.of("target/generated-test-resources/protobuf/descriptor-sets/test-protos.pb");

    private GeneratedStubs() {}

    static FileDescriptorSet descriptors() {
        com.google.protobuf.DescriptorProtos.getDescriptor();
        ExtensionRegistry registry = ExtensionRegistry.newInstance();
        JavaFeaturesProto.registerAllExtensions(registry);
        try (InputStream in = Files.newInputStream(DESCRIPTORS)) {
            return FileDescriptorSet.parseFrom(in, registry);
        } catch (IOException e) {
            throw new UncheckedIOException("run the build first: it writes " + DESCRIPTORS, e);
        }
    }

    /** A request as protoc sends it: every file described, the project's own files to generate. */
    static CodeGeneratorRequest request(FileDescriptorSet set) {
        CodeGeneratorRequest.Builder request = CodeGeneratorRequest.newBuilder();
        for (FileDescriptorProto file : set.getFileList()) {
            request.addProtoFile(file);
            if (file.getName().startsWith("conduit/")) {
                request.addFileToGenerate(file.getName());
            }
        }
        return request.build();
    }

    static CodeGeneratorResponse generate() {
        return ConduitRpcGenerator.generate(request(descriptors()));
    }
}
