package dev.conduit.rpc.reflection;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import dev.conduit.core.Conduit;
import dev.conduit.rpc.BlockingStreamCall;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.health.HealthService;
import dev.conduit.rpc.reflection.v1alpha.ServerReflectionRequest;
import dev.conduit.rpc.reflection.v1alpha.ServerReflectionResponse;
import dev.conduit.rpc.reflection.v1alpha.ServiceResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A v1alpha client, with v1alpha's own message classes (as an older grpcurl or a grpc-java client built from that
 * proto has), gets the same answers as a v1 client: the server's v1 classes are the same on the wire.
 */
class ReflectionV1AlphaTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> V1ALPHA =
            MethodDescriptor.protobuf(
                    "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                    MethodType.BIDI_STREAMING,
                    ServerReflectionRequest.getDefaultInstance(),
                    ServerReflectionResponse.getDefaultInstance());

    @Test
    void aV1AlphaClientListsServicesFetchesFilesAndGetsErrors() throws Exception {
        try (Conduit conduit = Conduit.builder().name("v1alpha-test").build();
                RpcServer server = RpcServer.builder(conduit)
                        .listen("tcp://127.0.0.1:0")
                        .addHealthService(new HealthService())
                        .addReflectionService()
                        .start();
                RpcChannel channel = RpcChannel.builder(conduit)
                        .target(server.endpoints().get(0).toString())
                        .build();
                BlockingStreamCall<ServerReflectionRequest, ServerReflectionResponse> stream =
                        ClientCalls.blockingStream(channel, V1ALPHA, CallOptions.DEFAULT.withTimeout(WAIT))) {
            stream.send(ServerReflectionRequest.newBuilder().setListServices("").build());
            assertThat(stream.receive(WAIT).getListServicesResponse().getServiceList())
                    .extracting(ServiceResponse::getName)
                    .containsExactly(
                            "grpc.health.v1.Health",
                            "grpc.reflection.v1.ServerReflection",
                            "grpc.reflection.v1alpha.ServerReflection");

            stream.send(ServerReflectionRequest.newBuilder()
                    .setFileContainingSymbol("grpc.health.v1.Health")
                    .build());
            ServerReflectionResponse file = stream.receive(WAIT);
            assertThat(file.getOriginalRequest().getFileContainingSymbol()).isEqualTo("grpc.health.v1.Health");
            FileDescriptorProto health = FileDescriptorProto.parseFrom(
                    file.getFileDescriptorResponse().getFileDescriptorProto(0));
            assertThat(health.getPackage()).isEqualTo("grpc.health.v1");
            assertThat(health.getService(0).getMethodList())
                    .extracting(m -> m.getName())
                    .containsExactly("Check", "List", "Watch");

            stream.send(ServerReflectionRequest.newBuilder()
                    .setFileContainingSymbol("nope.Nothing")
                    .build());
            assertThat(stream.receive(WAIT).getErrorResponse().getErrorCode()).isEqualTo(Status.Code.NOT_FOUND.value());
            stream.halfClose();
            assertThat(stream.receive(WAIT))
                    .as("the server completes when the client does")
                    .isNull();
        }
    }
}
