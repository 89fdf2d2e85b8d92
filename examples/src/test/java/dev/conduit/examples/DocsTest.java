package dev.conduit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Option;
import dev.conduit.examples.kv.Change;
import dev.conduit.examples.kv.GetRequest;
import dev.conduit.examples.kv.KvRpc;
import dev.conduit.ipc.shm.ShmOptions;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The docs a newcomer reads first, held to the code: the protocol document's method names and bytes, the README's
 * quick start, the shm options. Each test reads the document as written.
 */
class DocsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static String read(String path) throws Exception {
        return Files.readString(ROOT.resolve(path));
    }

    @Test
    void theProtocolDocumentNamesTheKvServersRealMethodsAndTheirKinds() throws Exception {
        String doc = read("docs/rpc-protocol.md");
        assertThat(doc).doesNotContain("kv.Store");
        Map<MethodType, String> kinds = Map.of(
                MethodType.UNARY, "unary",
                MethodType.SERVER_STREAMING, "server streaming",
                MethodType.CLIENT_STREAMING, "client streaming",
                MethodType.BIDI_STREAMING, "bidirectional");
        List<MethodDescriptor<?, ?>> methods = List.of(
                KvRpc.METHOD_PUT,
                KvRpc.METHOD_GET,
                KvRpc.METHOD_DELETE,
                KvRpc.METHOD_SCAN,
                KvRpc.METHOD_WATCH,
                KvRpc.METHOD_PUT_MANY);
        for (MethodDescriptor<?, ?> m : methods) {
            assertThat(doc)
                    .as("a row for %s", m.fullName())
                    .containsPattern("\\| `" + Pattern.quote(m.fullName()) + "` \\| " + kinds.get(m.type()) + " \\|");
        }
    }

    @Test
    void theProtocolDocumentsCompleteExchangeHasTheRightBytes() throws Exception {
        String doc = read("docs/rpc-protocol.md");
        Matcher start = Pattern.compile(
                        "C→S  CALL_START +01 06 00 00 00 01  ([0-9a-f ]{5}) \"([^\"]+)\"  00 00  ([0-9a-f ]+)")
                .matcher(doc);
        assertThat(start.find()).as("the CALL_START line of section 9").isTrue();
        String method = start.group(2);
        assertThat(method).isEqualTo(KvRpc.METHOD_GET.fullName());
        assertThat(HexFormat.of().parseHex(start.group(1).replace(" ", "")))
                .as("the method's length")
                .containsExactly(0, method.length());
        assertThat(start.group(3).strip())
                .as("GetRequest{key: \"k\"}")
                .isEqualTo(spaced(GetRequest.newBuilder().setKey("k").build().toByteArray()));
    }

    @Test
    void anEmptyMessageIsAFrameWithAnEmptyBodyAsTheDocumentSays() throws Exception {
        assertThat(Change.newBuilder().setKind(Change.Kind.STARTED).build().toByteArray())
                .as("Watch's first message")
                .isEmpty();
        assertThat(read("docs/rpc-protocol.md"))
                .contains("Such a MESSAGE frame is its 6-byte header and\nnothing more");
    }

    @Test
    void theReadmeQuickStartShowsTheImportsAndTheOneDependencyOfQuickStartJava() throws Exception {
        String readme = read("README.md");
        String source = read("examples/src/main/java/dev/conduit/examples/quickstart/QuickStart.java");
        List<String> imports =
                source.lines().filter(l -> l.startsWith("import ")).toList();
        int quickStart = readme.indexOf("## Quick start");
        String section = readme.substring(quickStart, readme.indexOf("\n## ", quickStart + 1));
        assertThat(imports).isNotEmpty();
        assertThat(section.lines().filter(l -> l.startsWith("import ")).toList())
                .isEqualTo(imports);
        assertThat(section).contains("<!-- messaging-pom -->");
        String pom =
                section.substring(section.indexOf("```xml"), section.indexOf("```", section.indexOf("```xml") + 6));
        assertThat(pom)
                .contains("<artifactId>conduit-transport-socket</artifactId>", "<version>0.1.0-SNAPSHOT</version>");
        assertThat(read("transport-socket/pom.xml"))
                .as("the one dependency brings core")
                .contains("<artifactId>conduit-core</artifactId>");
        assertThat(readme).contains("`Codecs.protobuf` needs `com.google.protobuf:protobuf-java`");
        assertThat(read("core/pom.xml")).containsPattern("protobuf-java</artifactId>\\s*<optional>true</optional>");
        assertThat(readme).contains("Conduit logs through SLF4J").contains("<artifactId>slf4j-simple</artifactId>");
        assertThat(readme).contains("by default\n(`--codec text`)");
    }

    @Test
    void bothShmDocsListEveryShmOptionWithItsDefaultAndTheFreshName() throws Exception {
        for (String doc : List.of("ipc/SHM.md", "docs/ipc.md")) {
            String text = read(doc);
            for (Option<?> option : ShmOptions.ALL) {
                assertThat(text).as("%s lists %s", doc, option.name()).contains("| `" + option.name() + "` | ");
            }
            assertThat(text).as(doc).contains("| `ringSize` | `" + size(ShmOptions.RING_SIZE.defaultValue()) + "` |");
            assertThat(text).as(doc).contains("| `dir` | `/dev/shm`");
            assertThat(text).as(doc).contains("| `idle` | `backoff` |").contains("shm://*");
        }
    }

    private static String size(Integer bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + "m" : (bytes >> 10) + "k";
    }

    private static String spaced(byte[] bytes) {
        String hex = HexFormat.of().formatHex(bytes);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            sb.append(i == 0 ? "" : " ").append(hex, i, i + 2);
        }
        return sb.toString();
    }
}
