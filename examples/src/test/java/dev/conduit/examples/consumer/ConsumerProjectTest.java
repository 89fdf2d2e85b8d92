package dev.conduit.examples.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds a small user project with the pom.xml shown in the README, exactly as written there: it takes its Conduit
 * versions from conduit-bom, and protoc and the Conduit plugin generate stubs that the project's own code then uses. The Conduit artifacts come from this build (copied
 * into a fresh local repository); everything else from the machine's local repository, through a file mirror, so the
 * test needs no network.
 */
class ConsumerProjectTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String VERSION = "0.1.0-SNAPSHOT";

    /** The xml block that follows the {@code <!-- consumer-pom -->} marker in README.md. */
    static String readmePom() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int marker = readme.indexOf("<!-- consumer-pom -->");
        assertThat(marker).as("README.md has the consumer-pom marker").isNotNegative();
        int start = readme.indexOf("```xml\n", marker) + "```xml\n".length();
        int end = readme.indexOf("```", start);
        return readme.substring(start, end);
    }

    @Test
    void theReadmesMavenSetupGeneratesAndCompilesStubs(@TempDir Path dir) throws Exception {
        Path project = dir.resolve("greeter");
        Files.createDirectories(project.resolve("src/main/proto"));
        Files.createDirectories(project.resolve("src/main/java/com/example"));
        Files.writeString(project.resolve("pom.xml"), readmePom());
        Files.writeString(project.resolve("src/main/proto/greeter.proto"), """
                syntax = "proto3";
                package example;
                option java_package = "com.example";
                option java_multiple_files = true;
                message Hello { string name = 1; }
                service Greeter { rpc Greet(Hello) returns (Hello); }
                """);
        Files.writeString(project.resolve("src/main/java/com/example/App.java"), """
                package com.example;

                import dev.conduit.core.Conduit;
                import dev.conduit.rpc.RpcChannel;
                import dev.conduit.rpc.RpcServer;

                public final class App {
                    public static void main(String[] args) {
                        try (Conduit conduit = Conduit.create();
                                RpcServer server = RpcServer.builder(conduit)
                                        .listen("tcp://127.0.0.1:0")
                                        .addService(GreeterRpc.bindService(new GreeterRpc.Service() {
                                            @Override
                                            public Hello greet(Hello hello) {
                                                return Hello.newBuilder().setName("hi " + hello.getName()).build();
                                            }
                                        }))
                                        .start();
                                RpcChannel channel = RpcChannel.builder(conduit)
                                        .target(server.endpoints().get(0).toString())
                                        .build()) {
                            Hello reply = GreeterRpc.newBlockingClient(channel)
                                    .greet(Hello.newBuilder().setName(args[0]).build());
                            System.out.println(reply.getName());
                        }
                    }
                }
                """);
        Path repo = dir.resolve("repo");
        installFromThisBuild(repo);
        Path settings = dir.resolve("settings.xml");
        Files.writeString(settings, """
                <settings>
                  <localRepository>%s</localRepository>
                  <mirrors>
                    <mirror>
                      <id>machine-local</id>
                      <mirrorOf>*</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                </settings>
                """.formatted(repo, machineRepository().toUri()));
        Process mvn = new ProcessBuilder("mvn", "-B", "-q", "-s", settings.toString(), "compile")
                .directory(project.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(mvn.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(mvn.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(mvn.exitValue()).as(output).isZero();
        assertThat(project.resolve("target/generated-sources/protobuf/java/com/example/GreeterRpc.java"))
                .exists();
        assertThat(project.resolve("target/classes/com/example/App.class")).exists();
    }

    /** Modules that are applications or tests, not libraries a project depends on: not in the BOM. */
    private static final Set<String> NOT_LIBRARIES =
            Set.of("conduit-examples", "conduit-benchmarks", "conduit-rpc-interop", "conduit-jcstress");

    @Test
    void theBomManagesEveryLibraryModuleOfThisBuildAtItsVersion() throws IOException {
        String bom = Files.readString(ROOT.resolve("bom/pom.xml"));
        List<String> libraries;
        try (Stream<Path> files = Files.walk(ROOT, 3)) {
            libraries = files.filter(f -> f.getFileName().toString().equals("pom.xml"))
                    .filter(f ->
                            !f.toString().contains("/target/") && !f.toString().contains("/src/"))
                    .map(ConsumerProjectTest::libraryArtifact)
                    .flatMap(Optional::stream)
                    .toList();
        }
        assertThat(libraries).contains("conduit-core", "conduit-rpc");
        for (String artifact : libraries) {
            assertThat(bom)
                    .as("bom/pom.xml manages " + artifact)
                    .contains("<artifactId>" + artifact + "</artifactId>\n        <version>" + VERSION + "</version>");
        }
    }

    /** The artifactId of a module's pom, if it builds a jar that is not in {@link #NOT_LIBRARIES}. */
    private static Optional<String> libraryArtifact(Path pom) {
        String text;
        try {
            text = Files.readString(pom);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (text.contains("<packaging>pom</packaging>")) {
            return Optional.empty();
        }
        Matcher m =
                Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>").matcher(text);
        assertThat(m.find()).as(pom + " names its artifactId after its parent").isTrue();
        return NOT_LIBRARIES.contains(m.group(1)) ? Optional.empty() : Optional.of(m.group(1));
    }

    /** The machine's own local repository, which this build has filled with every third-party artifact. */
    private static Path machineRepository() {
        String configured = System.getProperty("maven.repo.local");
        return configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** Copies the Conduit jars and poms this reactor built into {@code repo}, laid out as {@code mvn install} would. */
    private static void installFromThisBuild(Path repo) throws IOException {
        installPom(repo, "conduit-parent", ROOT.resolve("pom.xml"));
        installPom(repo, "conduit-rpc-parent", ROOT.resolve("rpc/pom.xml"));
        installPom(repo, "conduit-bom", ROOT.resolve("bom/pom.xml"));
        for (List<String> module : List.of(
                List.of("conduit-core", "core"),
                List.of("conduit-transport-netty", "transport-netty"),
                List.of("conduit-transport-socket", "transport-socket"),
                List.of("conduit-rpc", "rpc/runtime"),
                List.of("conduit-rpc-compiler", "rpc/compiler"))) {
            String artifact = module.get(0);
            Path dir = ROOT.resolve(module.get(1));
            Path jar = dir.resolve("target/" + artifact + "-" + VERSION + ".jar");
            assertThat(jar).as("built by this reactor before examples").exists();
            Path target = installPom(repo, artifact, dir.resolve("pom.xml"));
            Files.copy(jar, target.resolve(artifact + "-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path installPom(Path repo, String artifact, Path pom) throws IOException {
        Path target = repo.resolve("dev/conduit/" + artifact + "/" + VERSION);
        Files.createDirectories(target);
        Files.copy(pom, target.resolve(artifact + "-" + VERSION + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        return target;
    }
}
