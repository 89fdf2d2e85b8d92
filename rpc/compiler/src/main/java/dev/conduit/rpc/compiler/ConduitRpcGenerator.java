package dev.conduit.rpc.compiler;

import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.JavaFeaturesProto;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The protoc plugin's entry point: {@code protoc --plugin=protoc-gen-conduit=... --conduit_out=DIR}. Reads a {@code
 * CodeGeneratorRequest} from stdin and writes a {@code CodeGeneratorResponse} to stdout.
 *
 * <p>Failures never print a stack trace: they go back to protoc as the response's error, naming the file and the
 * element, and protoc reports them and fails. Options ({@link GeneratorOptions}) come as protoc's parameter ({@code
 * --conduit_opt=lite}) or as program arguments, since the Maven plugins pass no parameter to a JVM plugin.
 */
public final class ConduitRpcGenerator {
    private ConduitRpcGenerator() {}

    public static void main(String[] args) throws IOException {
        CodeGeneratorResponse response = run(System.in, args);
        OutputStream out = System.out;
        response.writeTo(out);
        out.flush();
    }

    /**
     * Generates the response for the request on {@code in}, with {@code args} as options besides protoc's parameter;
     * errors become the response's error.
     */
    static CodeGeneratorResponse run(InputStream in, String... args) {
        CodeGeneratorRequest request;
        try {
            request = CodeGeneratorRequest.parseFrom(in, extensions());
        } catch (InvalidProtocolBufferException e) {
            return error("conduit protoc plugin: stdin is not a CodeGeneratorRequest from protoc (" + e.getMessage()
                    + "); run it through protoc --plugin");
        } catch (IOException e) {
            return error("conduit protoc plugin: cannot read the request from protoc: " + e.getMessage());
        }
        if (args.length > 0) {
            String parameter = String.join(",", args);
            if (!request.getParameter().isEmpty()) {
                parameter = request.getParameter() + "," + parameter;
            }
            request = request.toBuilder().setParameter(parameter).build();
        }
        return generate(request);
    }

    /** Generates stubs for every service of the request's files to generate. */
    static CodeGeneratorResponse generate(CodeGeneratorRequest request) {
        try {
            return new StubGenerator(request).generate();
        } catch (GeneratorException e) {
            return error(e.getMessage());
        } catch (RuntimeException e) {
            return error("conduit protoc plugin failed: " + e);
        }
    }

    private static CodeGeneratorResponse error(String message) {
        return CodeGeneratorResponse.newBuilder()
                .setError(message)
                .setSupportedFeatures(StubGenerator.SUPPORTED_FEATURES)
                .build();
    }

    private static ExtensionRegistry extensions() {
        DescriptorProtos.getDescriptor(); // initialise descriptor.proto before java_features.proto refers to it
        ExtensionRegistry registry = ExtensionRegistry.newInstance();
        JavaFeaturesProto.registerAllExtensions(registry);
        return registry;
    }
}
