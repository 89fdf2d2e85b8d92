package dev.conduit.rpc.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import dev.conduit.rpc.ServiceDefinition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated stubs compile against the runtime and protoc's own Java output with every lint enabled and warnings as
 * errors: a user with {@code -Xlint:all -Werror} can compile them.
 */
class GeneratedStubsCompileTest {

    @Test
    void generatedStubsCompileWithoutWarningsUnderXlintAll(@TempDir Path dir) throws IOException {
        CodeGeneratorResponse response = GeneratedStubs.generate();
        assertThat(response.hasError()).as(response.getError()).isFalse();
        List<String> sources = new ArrayList<>();
        for (CodeGeneratorResponse.File f : response.getFileList()) {
            Path source = dir.resolve("src").resolve(f.getName());
            Files.createDirectories(source.getParent());
            Files.writeString(source, f.getContent());
            sources.add(source.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of(
                "-Xlint:all",
                "-Werror",
                "-proc:none",
                "--release",
                "17",
                "-classpath",
                System.getProperty("java.class.path"),
                "-d",
                dir.resolve("classes").toString()));
        args.addAll(sources);
        int result = javac.run(null, diagnostics, diagnostics, args.toArray(new String[0]));
        assertThat(diagnostics.toString(StandardCharsets.UTF_8))
                .as("javac output")
                .isEmpty();
        assertThat(result).as("javac exit code").isZero();
        assertThat(dir.resolve("classes/dev/conduit/rpc/compiler/test/kv/StoreRpc$BlockingClient.class"))
                .exists();
        assertTheServiceCarriesItsDescriptor(dir.resolve("classes"));
    }

    /** The compiled stub's definition carries the descriptor protoc made for the service: what reflection serves. */
    private static void assertTheServiceCarriesItsDescriptor(Path classes) throws IOException {
        try (URLClassLoader loader = new URLClassLoader(
                new URL[] {classes.toUri().toURL()}, GeneratedStubsCompileTest.class.getClassLoader())) {
            Class<?> stubs = loader.loadClass("conduit.test.nested.FirstRpc");
            Class<?> service = loader.loadClass("conduit.test.nested.FirstRpc$Service");
            Object implementation = Proxy.newProxyInstance(loader, new Class<?>[] {service}, (proxy, m, args) -> {
                throw new UnsupportedOperationException(m.getName());
            });
            ServiceDefinition definition =
                    (ServiceDefinition) stubs.getMethod("bindService", service).invoke(null, implementation);
            Descriptors.ServiceDescriptor descriptor = definition.protoDescriptor();
            assertThat(descriptor).isNotNull();
            assertThat(descriptor.getFullName()).isEqualTo("conduit.test.nested.First");
            assertThat(descriptor.getFile().getName()).isEqualTo("conduit/nested/nested.proto");
            assertThat(descriptor.getMethods())
                    .extracting(Descriptors.MethodDescriptor::getName)
                    .containsExactlyElementsOf(definition.methods().stream()
                            .map(m -> m.descriptor().methodName())
                            .toList());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the compiled stubs cannot be loaded or bound", e);
        }
    }
}
