package dev.conduit.rpc.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorRequest;
import com.google.protobuf.compiler.PluginProtos.CodeGeneratorResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The generator against tricky protos (src/test/proto): golden files pin the output, so that a change to the
 * generator shows as a readable diff. Regenerate them with {@code -Dconduit.golden.update=true}.
 */
class StubGeneratorTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    private static Map<String, String> files(CodeGeneratorResponse response) {
        assertThat(response.hasError()).as(response.getError()).isFalse();
        Map<String, String> files = new TreeMap<>();
        response.getFileList().forEach(f -> files.put(f.getName(), f.getContent()));
        return files;
    }

    @Test
    void generatesOneClassPerServiceWhereProtocPutsTheMessages() {
        assertThat(files(GeneratedStubs.generate()).keySet())
                .containsExactly(
                        "conduit/test/nested/FirstRpc.java",
                        "conduit/test/nested/SecondServiceRpc.java",
                        "dev/conduit/rpc/compiler/test/ed2023/PingerRpc.java",
                        "dev/conduit/rpc/compiler/test/ed2024/PingerRpc.java",
                        "dev/conduit/rpc/compiler/test/keywords/DefaultRpc.java",
                        "dev/conduit/rpc/compiler/test/kv/StoreRpc.java",
                        "dev/conduit/rpc/compiler/test/lite/TinyRpc.java",
                        "dev/conduit/rpc/compiler/test/uses/DirectoryRpc.java");
    }

    @Test
    void outputMatchesTheGoldenFiles() throws IOException {
        Map<String, String> files = files(GeneratedStubs.generate());
        boolean update = Boolean.getBoolean("conduit.golden.update");
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path golden = GOLDEN.resolve(f.getKey() + ".txt");
            if (update) {
                Files.createDirectories(golden.getParent());
                Files.writeString(golden, f.getValue(), StandardCharsets.UTF_8);
            } else if (!Files.exists(golden) || !Files.readString(golden).equals(f.getValue())) {
                differing.add(f.getKey());
            }
        }
        try (Stream<Path> all = Files.walk(GOLDEN)) {
            List<String> stale = all.filter(Files::isRegularFile)
                    .map(p -> GOLDEN.relativize(p).toString().replace('\\', '/'))
                    .map(p -> p.substring(0, p.length() - ".txt".length()))
                    .filter(p -> !files.containsKey(p))
                    .collect(Collectors.toList());
            assertThat(stale).as("golden files no longer generated").isEmpty();
        }
        assertThat(differing)
                .as("generated files that differ from src/test/resources/golden (regenerate with"
                        + " -Dconduit.golden.update=true and review the diff)")
                .isEmpty();
    }

    @Test
    void keywordsAndClashingNamesBecomeLegalDistinctJavaNames() {
        String src = files(GeneratedStubs.generate()).get("dev/conduit/rpc/compiler/test/keywords/DefaultRpc.java");
        assertThat(src)
                .contains("public static final class BlockingClient {")
                .contains("class_(dev.conduit.rpc.compiler.test.keywords.KeywordsProto.Service request)")
                .contains("new_(dev.conduit.rpc.compiler.test.keywords.KeywordsProto.Service request)")
                .contains("getClass_(dev.conduit.rpc.compiler.test.keywords.KeywordsProto.Class request)")
                .contains("toString_(dev.conduit.rpc.compiler.test.keywords.KeywordsProto.Class request)")
                .contains(" get(dev.conduit.rpc.compiler.test.keywords.KeywordsProto.Service request)")
                .contains(" get_(dev.conduit.rpc.compiler.test.keywords.KeywordsProto.Service request)")
                .contains(" bindService_(dev.conduit.rpc.compiler.test.keywords.KeywordsProto.Service request)")
                .contains(" service(dev.conduit.rpc.compiler.test.keywords.KeywordsProto.Service request)")
                .contains("default_(dev.conduit.rpc.ServerResponseObserver<")
                .contains("METHOD_GET =", "METHOD_GET_ =")
                .contains("\"conduit.test.keywords.Default/get\"");
    }

    @Test
    void messageClassesFollowProtocsPackageOuterClassAndEditionRules() {
        Map<String, String> files = files(GeneratedStubs.generate());
        assertThat(files.get("conduit/test/nested/FirstRpc.java"))
                .as("no java_package: the proto package; a message named Nested: NestedOuterClass")
                .startsWith("// Generated by the Conduit protoc plugin")
                .contains("package conduit.test.nested;")
                .contains("conduit.test.nested.NestedOuterClass.Nested.Inner.Deeper");
        assertThat(files.get("conduit/test/nested/SecondServiceRpc.java"))
                .contains("public final class SecondServiceRpc {")
                .contains("\"conduit.test.nested.second_service/do_it\"")
                .contains(" doIt(conduit.test.nested.NestedOuterClass.Nested request)");
        assertThat(files.get("dev/conduit/rpc/compiler/test/uses/DirectoryRpc.java"))
                .contains("com.google.protobuf.Empty")
                .contains("dev.conduit.rpc.compiler.test.common.CommonTypes.Page");
        assertThat(files.get("dev/conduit/rpc/compiler/test/ed2023/PingerRpc.java"))
                .contains("dev.conduit.rpc.compiler.test.ed2023.Ping request");
        assertThat(files.get("dev/conduit/rpc/compiler/test/ed2024/PingerRpc.java"))
                .as("edition 2024 does not nest classes in the file class")
                .contains("dev.conduit.rpc.compiler.test.ed2024.Holder.Inner>");
    }

    @Test
    void commentsBecomeEscapedJavadocAndTheMarkerIsThere() {
        String src = files(GeneratedStubs.generate()).get("dev/conduit/rpc/compiler/test/kv/StoreRpc.java");
        assertThat(src)
                .contains(
                        "@javax.annotation.processing.Generated(value = \"dev.conduit.rpc.compiler.ConduitRpcGenerator\"")
                .contains(
                        " * The store. Comments become javadoc: &lt;b&gt;markup&lt;/b&gt; &amp; &#64;tags are escaped,"
                                + " and so is &#42;/ in text.")
                .contains(" * Streams entries whose key starts with a prefix.")
                .contains("@Deprecated");
    }

    @Test
    void stubsTakeTheServiceDescriptorFromProtocsFileClass() {
        Map<String, String> files = files(GeneratedStubs.generate());
        assertThat(files.get("dev/conduit/rpc/compiler/test/kv/StoreRpc.java"))
                .as("java_multiple_files: the file class is still where the descriptor lives")
                .contains(
                        "return dev.conduit.rpc.compiler.test.kv.KvTest.getDescriptor().findServiceByName(\"Store\");")
                .contains(".protoDescriptor(serviceDescriptor())");
        assertThat(files.get("conduit/test/nested/SecondServiceRpc.java"))
                .contains("conduit.test.nested.NestedOuterClass.getDescriptor().findServiceByName(\"second_service\")");
    }

    @Test
    void liteMessagesGiveStubsWithoutADescriptor() {
        String tiny = files(GeneratedStubs.generate()).get("dev/conduit/rpc/compiler/test/lite/TinyRpc.java");
        assertThat(tiny).doesNotContain("serviceDescriptor", "getDescriptor");

        CodeGeneratorRequest lite = GeneratedStubs.request(GeneratedStubs.descriptors()).toBuilder()
                .setParameter("lite")
                .build();
        assertThat(files(ConduitRpcGenerator.generate(lite)).values())
                .as("the lite option: no stub refers to a descriptor")
                .allSatisfy(src -> assertThat(src).doesNotContain("getDescriptor", ".protoDescriptor("));
        CodeGeneratorResponse fromArgs = ConduitRpcGenerator.run(
                new ByteArrayInputStream(
                        GeneratedStubs.request(GeneratedStubs.descriptors()).toByteArray()),
                "lite");
        assertThat(files(fromArgs).values())
                .as("the lite option as a program argument")
                .allSatisfy(src -> assertThat(src).doesNotContain("getDescriptor"));
    }

    @Test
    void anUnknownOptionIsAnErrorThatListsTheKnownOnes() {
        CodeGeneratorRequest request = GeneratedStubs.request(GeneratedStubs.descriptors()).toBuilder()
                .setParameter("lite,shiny")
                .build();
        CodeGeneratorResponse response = ConduitRpcGenerator.generate(request);
        assertThat(response.getError())
                .isEqualTo("conduit protoc plugin: unknown option 'shiny'; the options are: lite (the messages are"
                        + " generated for the lite runtime)");
        assertThat(response.getFileCount()).isZero();
    }

    @Test
    void anUnknownTypeIsReportedNamingTheFileServiceAndMethod() {
        FileDescriptorSet set = GeneratedStubs.descriptors();
        CodeGeneratorRequest.Builder request = GeneratedStubs.request(set).toBuilder();
        for (int i = 0; i < request.getProtoFileCount(); i++) {
            FileDescriptorProto f = request.getProtoFile(i);
            if (f.getName().equals("conduit/kv/kv_test.proto")) {
                FileDescriptorProto.Builder broken = f.toBuilder();
                broken.getServiceBuilder(0).getMethodBuilder(0).setInputType(".conduit.test.kv.Missing");
                request.setProtoFile(i, broken);
            }
        }
        CodeGeneratorResponse response = ConduitRpcGenerator.generate(request.build());
        assertThat(response.getError())
                .isEqualTo("conduit/kv/kv_test.proto: service Store, method Get: type .conduit.test.kv.Missing is not"
                        + " defined in any file protoc gave");
        assertThat(response.getFileCount()).isZero();
    }

    @Test
    void bytesThatAreNotARequestGiveAnErrorNotAStackTrace() {
        CodeGeneratorResponse response =
                ConduitRpcGenerator.run(new ByteArrayInputStream(new byte[] {(byte) 0xff, 0x01, 0x02}));
        assertThat(response.getError()).startsWith("conduit protoc plugin: stdin is not a CodeGeneratorRequest");
        assertThat(response.getFileCount()).isZero();
    }

    @Test
    void advertisesProto3OptionalAndEditionsUpTo2024() {
        CodeGeneratorResponse response = GeneratedStubs.generate();
        assertThat(response.getSupportedFeatures()).isEqualTo(StubGenerator.SUPPORTED_FEATURES);
        assertThat(response.getMaximumEdition())
                .isEqualTo(com.google.protobuf.DescriptorProtos.Edition.EDITION_2024_VALUE);
    }
}
