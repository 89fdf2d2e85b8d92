package dev.conduit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.examples.cli.CliTest.Run;
import dev.conduit.examples.kv.KvRpc;
import dev.conduit.examples.kv.KvStore;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServerCall;
import dev.conduit.rpc.ServerCallHandler;
import dev.conduit.rpc.ServerInterceptor;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.reflection.ReflectionService;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code conduit call} against servers other than kv-server (reflection only under its older name, no reflection, no
 * server at all), and from another process, streaming its requests from stdin.
 */
class CallCliServersTest {
    private Conduit conduit;

    @BeforeEach
    void start() {
        conduit = Conduit.builder().name("call-cli").build();
    }

    @AfterEach
    void stop() {
        conduit.close();
    }

    private RpcServer kv(RpcServer.Builder builder) {
        return builder.listen("tcp://127.0.0.1:0")
                .addService(KvRpc.bindService(new KvStore()))
                .start();
    }

    @Test
    void fallsBackToV1AlphaWhenTheServerKnowsOnlyThat() {
        ServiceDefinition kv = KvRpc.bindService(new KvStore());
        ServiceDefinition v1alpha = ReflectionService.definitions(List.of(kv)).stream()
                .filter(d -> d.name().equals(ReflectionService.V1ALPHA_SERVICE_NAME))
                .findFirst()
                .orElseThrow();
        try (RpcServer server = RpcServer.builder(conduit)
                .listen("tcp://127.0.0.1:0")
                .addService(kv)
                .addService(v1alpha)
                .start()) {
            String uri = server.endpoints().get(0).toString();
            Run list = CliTest.run("call", uri, "list", "conduit.kv.Kv");
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out().lines()).contains("conduit.kv.Kv/Get", "conduit.kv.Kv/PutMany");
            Run put = CliTest.run("call", uri, "conduit.kv.Kv/Put", "{\"key\":\"k\"}");
            assertThat(put.out()).isEqualTo("{\"created\":true}\n");
        }
    }

    @Test
    void aServiceWithoutDescriptorIsListedButCannotBeDescribedOrCalled() {
        ServiceDefinition handmade = ServiceDefinition.builder("demo.Handmade")
                .unary(
                        MethodDescriptor.of("demo.Handmade/Shout", MethodType.UNARY, Codecs.text(), Codecs.text()),
                        (request, responses) -> {
                            responses.onNext(request.toUpperCase());
                            responses.onCompleted();
                        })
                .build();
        try (RpcServer server =
                kv(RpcServer.builder(conduit).addService(handmade).addReflectionService())) {
            String uri = server.endpoints().get(0).toString();
            assertThat(CliTest.run("call", uri, "list").out().lines()).contains("conduit.kv.Kv", "demo.Handmade");
            Run describe = CliTest.run("call", uri, "describe");
            assertThat(describe.exitCode()).as(describe.err()).isZero();
            assertThat(describe.out().lines())
                    .contains(
                            "conduit.kv.Kv is a service:",
                            "demo.Handmade is a service without a descriptor on the" + " server");
            Run call = CliTest.run("call", uri, "demo.Handmade/Shout", "{}");
            assertThat(call.exitCode()).isEqualTo(64 + 5);
            assertThat(call.err()).isEqualTo("conduit: NOT_FOUND: no file declares the symbol 'demo.Handmade'\n");
        }
    }

    @Test
    void describePrintsMapsOneofsAndEnumValuesAsProtoSource() {
        try (RpcServer server = kv(RpcServer.builder(conduit)
                .addHealthService(new dev.conduit.rpc.health.HealthService())
                .addReflectionService())) {
            String uri = server.endpoints().get(0).toString();
            assertThat(CliTest.run("call", uri, "describe", "grpc.health.v1.HealthListResponse")
                            .out()
                            .lines())
                    .containsExactly(
                            "grpc.health.v1.HealthListResponse is a message:",
                            "message HealthListResponse {",
                            "  map<string, .grpc.health.v1.HealthCheckResponse> statuses = 1;",
                            "}");
            assertThat(CliTest.run("call", uri, "describe", "grpc.reflection.v1.ServerReflectionResponse")
                            .out()
                            .lines())
                    .containsExactly(
                            "grpc.reflection.v1.ServerReflectionResponse is a message:",
                            "message ServerReflectionResponse {",
                            "  string valid_host = 1;",
                            "  .grpc.reflection.v1.ServerReflectionRequest original_request = 2;",
                            "  oneof message_response {",
                            "    .grpc.reflection.v1.FileDescriptorResponse file_descriptor_response = 4;",
                            "    .grpc.reflection.v1.ExtensionNumberResponse all_extension_numbers_response = 5;",
                            "    .grpc.reflection.v1.ListServiceResponse list_services_response = 6;",
                            "    .grpc.reflection.v1.ErrorResponse error_response = 7;",
                            "  }",
                            "}");
            assertThat(CliTest.run("call", uri, "describe", "grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING")
                            .out()
                            .lines())
                    .containsExactly(
                            "grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING is an enum value:",
                            "SERVING = 1;");
        }
    }

    @Test
    void aServerWithoutReflectionExits76SayingSo() {
        try (RpcServer server = kv(RpcServer.builder(conduit))) {
            Run list = CliTest.run("call", server.endpoints().get(0).toString(), "list");
            assertThat(list.exitCode()).isEqualTo(64 + 12);
            assertThat(list.err())
                    .isEqualTo("conduit: UNIMPLEMENTED: the server offers no reflection (neither grpc.reflection.v1"
                            + " nor v1alpha): add it with RpcServer.Builder.addReflectionService()\n");
        }
    }

    @Test
    void noServerExits78() {
        try (RpcServer server = kv(RpcServer.builder(conduit))) {
            String uri = server.endpoints().get(0).toString();
            server.close();
            Run call = CliTest.run("call", uri, "conduit.kv.Kv/Get", "{}");
            assertThat(call.exitCode()).isEqualTo(64 + 14);
            assertThat(call.err()).startsWith("conduit: UNAVAILABLE: cannot connect to " + uri);
            assertThat(call.err().lines()).hasSize(1);
        }
    }

    @Test
    void headersGoWithTheCallAndWithTheReflectionLookups() {
        ServerInterceptor tokenRequired = new ServerInterceptor() {
            @Override
            public <Req, Resp> ServerCall.Listener<Req> interceptCall(
                    ServerCall<Req, Resp> call, Metadata headers, ServerCallHandler<Req, Resp> next) {
                if (!"Bearer t0ken".equals(headers.get("authorization"))) {
                    call.close(Status.UNAUTHENTICATED.withDescription("no valid token"), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return next.startCall(call, headers);
            }
        };
        try (RpcServer server =
                kv(RpcServer.builder(conduit).intercept(tokenRequired).addReflectionService())) {
            String uri = server.endpoints().get(0).toString();
            Run refused = CliTest.run("call", uri, "conduit.kv.Kv/Put", "{\"key\":\"k\"}");
            assertThat(refused.exitCode()).isEqualTo(64 + 16);
            assertThat(refused.err()).isEqualTo("conduit: UNAUTHENTICATED: no valid token\n");
            Run put = CliTest.run(
                    "call", uri, "conduit.kv.Kv/Put", "{\"key\":\"k\"}", "-H", "authorization: Bearer t0ken");
            assertThat(put.exitCode()).as(put.err()).isZero();
            assertThat(put.out()).isEqualTo("{\"created\":true}\n");
            Run malformed = CliTest.run("call", uri, "list", "-H", "authorization");
            assertThat(malformed.exitCode()).isEqualTo(ConduitCli.USAGE_ERROR);
            assertThat(malformed.err()).isEqualTo("conduit: header 'authorization' is not 'NAME: VALUE'\n");
        }
    }

    @Test
    void helpNamesTheFormsAndTheExitCodes() {
        Run call = CliTest.run("call", "--help");
        assertThat(call.exitCode()).isZero();
        assertThat(call.out().replaceAll("\\s+", " "))
                .contains(
                        "Usage: conduit call", "conduit call URI list [SERVICE]", "conduit call URI describe [SYMBOL]")
                .contains("64+code when the call or a reflection lookup ends with that status code");
        Run health = CliTest.run("health", "--help");
        assertThat(health.exitCode()).isZero();
        assertThat(health.out().replaceAll("\\s+", " "))
                .contains("Usage: conduit health", "0 SERVING; 4 NOT_SERVING or UNKNOWN");
        assertThat(CliTest.run("--help").out()).contains("call", "health");
    }

    @Test
    void aClientStreamReadsJsonLinesFromStdinInAnotherProcess() throws Exception {
        try (RpcServer server = kv(RpcServer.builder(conduit).addReflectionService())) {
            Process client = Endpoints.selfCommand(
                            "call", server.endpoints().get(0).toString(), "conduit.kv.Kv/PutMany", "-")
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try (OutputStream stdin = client.getOutputStream()) {
                stdin.write("{\"key\":\"a\",\"value\":\"MQ==\"}\n\n{\"key\":\"b\"}\n{\"key\":\"c\"}\n"
                        .getBytes(StandardCharsets.UTF_8));
            }
            assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"count\":\"3\"}\n");
            assertThat(client.exitValue()).isZero();

            Run scan = CliTest.run("call", server.endpoints().get(0).toString(), "conduit.kv.Kv/Scan", "{}");
            assertThat(scan.out().lines())
                    .containsExactly("{\"key\":\"a\",\"value\":\"MQ==\"}", "{\"key\":\"b\"}", "{\"key\":\"c\"}");
        }
    }
}
