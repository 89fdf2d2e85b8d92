package dev.conduit.rpc.reflection;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.rpc.BlockingStreamCall;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.health.HealthService;
import dev.conduit.rpc.reflection.test.GreeterProto;
import dev.conduit.rpc.reflection.test.Greeting;
import dev.conduit.rpc.reflection.test.Name;
import dev.conduit.rpc.reflection.v1.ExtensionRequest;
import dev.conduit.rpc.reflection.v1.ServerReflectionRequest;
import dev.conduit.rpc.reflection.v1.ServerReflectionResponse;
import dev.conduit.rpc.reflection.v1.ServerReflectionResponse.MessageResponseCase;
import dev.conduit.rpc.reflection.v1.ServiceResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Server reflection over tcp, as a client such as grpcurl uses it: the services' names, files with their transitive
 * dependencies (complete enough to rebuild the descriptors from), symbols of every kind, extensions, and errors for
 * what the server does not know; under v1 and v1alpha.
 */
class ReflectionServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String GREETER_FILE = "conduit/reflect/greeter.proto";

    private Conduit conduit;
    private RpcServer server;
    private RpcChannel channel;
    private BlockingStreamCall<ServerReflectionRequest, ServerReflectionResponse> stream;

    @BeforeEach
    void start() {
        conduit = Conduit.builder().name("reflection-test").build();
        dev.conduit.rpc.MethodDescriptor<Name, Greeting> greet = dev.conduit.rpc.MethodDescriptor.protobuf(
                "conduit.test.reflect.Greeter/Greet",
                MethodType.UNARY,
                Name.getDefaultInstance(),
                Greeting.getDefaultInstance());
        ServiceDefinition greeter = ServiceDefinition.builder("conduit.test.reflect.Greeter")
                .protoDescriptor(GreeterProto.getDescriptor().findServiceByName("Greeter"))
                .unary(greet, (request, responses) -> {
                    responses.onNext(Greeting.newBuilder().setName(request).build());
                    responses.onCompleted();
                })
                .build();
        ServiceDefinition handmade = ServiceDefinition.builder("demo.Handmade")
                .unary(
                        dev.conduit.rpc.MethodDescriptor.of(
                                "demo.Handmade/Shout", MethodType.UNARY, Codecs.text(), Codecs.text()),
                        (request, responses) -> {
                            responses.onNext(request.toUpperCase());
                            responses.onCompleted();
                        })
                .build();
        server = RpcServer.builder(conduit)
                .listen("tcp://127.0.0.1:0")
                .addReflectionService()
                .addService(greeter)
                .addService(handmade)
                .addHealthService(new HealthService())
                .start();
        channel = RpcChannel.builder(conduit)
                .target(server.endpoints().get(0).toString())
                .build();
        stream = ClientCalls.blockingStream(channel, ReflectionService.V1, CallOptions.DEFAULT.withTimeout(WAIT));
    }

    @AfterEach
    void stop() {
        stream.close();
        channel.close();
        server.close();
        conduit.close();
    }

    private ServerReflectionResponse ask(ServerReflectionRequest request) throws Exception {
        stream.send(request);
        ServerReflectionResponse response = stream.receive(WAIT);
        assertThat(response).isNotNull();
        assertThat(response.getOriginalRequest()).isEqualTo(request);
        return response;
    }

    private ServerReflectionResponse symbol(String symbol) throws Exception {
        return ask(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol(symbol)
                .build());
    }

    private static List<FileDescriptorProto> files(ServerReflectionResponse response)
            throws InvalidProtocolBufferException {
        assertThat(response.getMessageResponseCase()).isEqualTo(MessageResponseCase.FILE_DESCRIPTOR_RESPONSE);
        List<FileDescriptorProto> files = new java.util.ArrayList<>();
        for (ByteString b : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
            files.add(FileDescriptorProto.parseFrom(b));
        }
        return files;
    }

    private static List<String> names(List<FileDescriptorProto> files) {
        return files.stream().map(FileDescriptorProto::getName).toList();
    }

    private static void assertNotFound(ServerReflectionResponse response, String message) {
        assertThat(response.getMessageResponseCase()).isEqualTo(MessageResponseCase.ERROR_RESPONSE);
        assertThat(response.getErrorResponse().getErrorCode()).isEqualTo(Status.Code.NOT_FOUND.value());
        assertThat(response.getErrorResponse().getErrorMessage()).isEqualTo(message);
    }

    /** Builds every file from the protos alone, as a client must: proof that the closure is complete. */
    private static Map<String, FileDescriptor> rebuild(List<FileDescriptorProto> protos)
            throws DescriptorValidationException {
        Map<String, FileDescriptorProto> byName = new HashMap<>();
        protos.forEach(p -> byName.put(p.getName(), p));
        Map<String, FileDescriptor> built = new HashMap<>();
        for (FileDescriptorProto p : protos) {
            build(p, byName, built);
        }
        return built;
    }

    private static FileDescriptor build(
            FileDescriptorProto proto, Map<String, FileDescriptorProto> byName, Map<String, FileDescriptor> built)
            throws DescriptorValidationException {
        FileDescriptor done = built.get(proto.getName());
        if (done != null) {
            return done;
        }
        FileDescriptor[] deps = new FileDescriptor[proto.getDependencyCount()];
        for (int i = 0; i < deps.length; i++) {
            FileDescriptorProto dep = byName.get(proto.getDependency(i));
            assertThat(dep)
                    .as(proto.getName() + " needs " + proto.getDependency(i))
                    .isNotNull();
            deps[i] = build(dep, byName, built);
        }
        FileDescriptor file = FileDescriptor.buildFrom(proto, deps);
        built.put(proto.getName(), file);
        return file;
    }

    @Test
    void listsEveryServiceOfTheServerItselfIncluded() throws Exception {
        ServerReflectionResponse response = ask(ServerReflectionRequest.newBuilder()
                .setHost("localhost")
                .setListServices("*")
                .build());
        assertThat(response.getValidHost()).isEqualTo("localhost");
        assertThat(response.getListServicesResponse().getServiceList())
                .extracting(ServiceResponse::getName)
                .containsExactly(
                        "conduit.test.reflect.Greeter",
                        "demo.Handmade",
                        "grpc.health.v1.Health",
                        "grpc.reflection.v1.ServerReflection",
                        "grpc.reflection.v1alpha.ServerReflection");
    }

    @Test
    void aServiceSymbolGivesItsFileThenEveryDependencyTransitivelyEnoughToRebuildIt() throws Exception {
        List<FileDescriptorProto> files = files(symbol("conduit.test.reflect.Greeter"));
        assertThat(names(files).get(0)).isEqualTo(GREETER_FILE);
        assertThat(names(files))
                .containsExactlyInAnyOrder(
                        GREETER_FILE,
                        "conduit/reflect/names.proto",
                        "conduit/reflect/name_extras.proto",
                        "google/protobuf/timestamp.proto",
                        "google/protobuf/duration.proto");
        MethodDescriptor greet =
                rebuild(files).get(GREETER_FILE).findServiceByName("Greeter").findMethodByName("Greet");
        assertThat(greet.getInputType().getFullName()).isEqualTo("conduit.test.reflect.Name");
        assertThat(greet.getInputType().findFieldByName("age").getMessageType().getFullName())
                .isEqualTo("google.protobuf.Duration");
    }

    @Test
    void methodsMessagesNestedEnumsAndExtensionsAreSymbolsToo() throws Exception {
        assertThat(names(files(symbol("conduit.test.reflect.Greeter.Chat"))).get(0))
                .isEqualTo(GREETER_FILE);
        assertThat(names(files(symbol("conduit.test.reflect.Greeting"))).get(0)).isEqualTo(GREETER_FILE);
        assertThat(names(files(symbol("conduit.test.reflect.Name.Kind"))))
                .containsExactly("conduit/reflect/names.proto", "google/protobuf/duration.proto");
        assertThat(names(files(symbol("conduit.test.reflect.nickname"))).get(0))
                .isEqualTo("conduit/reflect/name_extras.proto");
        assertThat(names(files(symbol("grpc.reflection.v1alpha.ServerReflection"))))
                .as("reflection describes itself")
                .containsExactly("grpc/reflection/v1alpha/reflection.proto");
        assertThat(names(files(symbol("grpc.health.v1.Health.Watch")))).containsExactly("grpc/health/v1/health.proto");
    }

    @Test
    void anUnknownSymbolIsNotFoundAndTheStreamGoesOn() throws Exception {
        assertNotFound(symbol("conduit.test.reflect.Nope"), "no file declares the symbol 'conduit.test.reflect.Nope'");
        assertNotFound(symbol("demo.Handmade"), "no file declares the symbol 'demo.Handmade'");
        assertThat(names(files(symbol("conduit.test.reflect.Greeter"))).get(0))
                .as("the same stream answers the next question")
                .isEqualTo(GREETER_FILE);
    }

    @Test
    void filesByNameWithTheirDependencies() throws Exception {
        assertThat(names(files(ask(ServerReflectionRequest.newBuilder()
                        .setFileByFilename("conduit/reflect/names.proto")
                        .build()))))
                .containsExactly("conduit/reflect/names.proto", "google/protobuf/duration.proto");
        assertNotFound(
                ask(ServerReflectionRequest.newBuilder()
                        .setFileByFilename("no/such.proto")
                        .build()),
                "no file named 'no/such.proto'");
    }

    @Test
    void extensionsByNumberAndAllNumbersOfAType() throws Exception {
        ServerReflectionResponse byNumber = ask(ServerReflectionRequest.newBuilder()
                .setFileContainingExtension(ExtensionRequest.newBuilder()
                        .setContainingType("conduit.test.reflect.Name")
                        .setExtensionNumber(101))
                .build());
        assertThat(names(files(byNumber)).get(0)).isEqualTo("conduit/reflect/name_extras.proto");
        assertNotFound(
                ask(ServerReflectionRequest.newBuilder()
                        .setFileContainingExtension(ExtensionRequest.newBuilder()
                                .setContainingType("conduit.test.reflect.Name")
                                .setExtensionNumber(150))
                        .build()),
                "no extension 150 of type 'conduit.test.reflect.Name'");

        ServerReflectionResponse numbers = ask(ServerReflectionRequest.newBuilder()
                .setAllExtensionNumbersOfType("conduit.test.reflect.Name")
                .build());
        assertThat(numbers.getAllExtensionNumbersResponse().getBaseTypeName()).isEqualTo("conduit.test.reflect.Name");
        assertThat(numbers.getAllExtensionNumbersResponse().getExtensionNumberList())
                .containsExactlyInAnyOrder(100, 101);
        assertThat(ask(ServerReflectionRequest.newBuilder()
                                .setAllExtensionNumbersOfType("conduit.test.reflect.Greeting")
                                .build())
                        .getAllExtensionNumbersResponse()
                        .getExtensionNumberList())
                .isEmpty();
        assertNotFound(
                ask(ServerReflectionRequest.newBuilder()
                        .setAllExtensionNumbersOfType("conduit.test.reflect.Greeter")
                        .build()),
                "no message type 'conduit.test.reflect.Greeter'");
    }

    @Test
    void aRequestThatAsksNothingKnownIsUnimplemented() throws Exception {
        ServerReflectionResponse response =
                ask(ServerReflectionRequest.newBuilder().setHost("h").build());
        assertThat(response.getErrorResponse().getErrorCode()).isEqualTo(Status.Code.UNIMPLEMENTED.value());
        assertThat(response.getErrorResponse().getErrorMessage()).contains("set one of file_by_filename");
    }
}
