package dev.conduit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.examples.cli.CliTest.Run;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code conduit call} against {@code conduit kv-server} over tcp, unix and shm: list, describe, and calls of every kind
 * the store has, resolved by reflection, with the JSON printed and the exit codes of the contract.
 */
class CallCliTest {
    private final BackgroundCommands commands = new BackgroundCommands();

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        commands.close();
    }

    static Stream<String> transports() {
        return Stream.of("tcp", "unix", "shm");
    }

    /** A kv-server on {@code transport}; returns the URI to call. */
    private String server(String transport) {
        String uri = switch (transport) {
            case "tcp" -> "tcp://127.0.0.1:0";
            case "unix" -> "unix://" + dir.resolve("kv.sock");
            case "shm" -> "shm://call-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "?dir=" + dir;
            default -> throw new IllegalArgumentException(transport);
        };
        return commands.kvServer(uri).get(0);
    }

    private static Run ok(String... args) {
        Run run = CliTest.run(args);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        return run;
    }

    @ParameterizedTest
    @MethodSource("transports")
    void listsServicesAndMethods(String transport) {
        String uri = server(transport);
        assertThat(ok("call", uri, "list").out().lines())
                .containsExactly(
                        "conduit.kv.Kv",
                        "grpc.health.v1.Health",
                        "grpc.reflection.v1.ServerReflection",
                        "grpc.reflection.v1alpha.ServerReflection");
        assertThat(ok("call", uri, "list", "conduit.kv.Kv").out().lines())
                .containsExactly(
                        "conduit.kv.Kv/Put",
                        "conduit.kv.Kv/Get",
                        "conduit.kv.Kv/Delete",
                        "conduit.kv.Kv/Scan",
                        "conduit.kv.Kv/Watch",
                        "conduit.kv.Kv/PutMany");
    }

    @ParameterizedTest
    @MethodSource("transports")
    void callsUnaryServerStreamingAndClientStreamingMethodsInJson(String transport) {
        String uri = server(transport);
        assertThat(ok("call", uri, "conduit.kv.Kv/Put", "{\"key\": \"fruit/apple\", \"value\": \"cmVk\"}")
                        .out())
                .isEqualTo("{\"created\":true}\n");
        assertThat(ok("call", uri, "conduit.kv.Kv.Put", "{\"key\":\"fruit/apple\",\"value\":\"cmVk\"}")
                        .out())
                .as("pkg.Service.Method too; a default value is omitted")
                .isEqualTo("{}\n");
        assertThat(ok("call", uri, "conduit.kv.Kv/Get", "{\"key\":\"fruit/apple\"}")
                        .out())
                .isEqualTo("{\"value\":\"cmVk\"}\n");
        assertThat(ok("call", uri, "conduit.kv.Kv/PutMany", "{\"key\":\"fruit/kiwi\"}", "{\"key\":\"fruit/fig\"}")
                        .out())
                .as("client streaming: one request per argument; uint64 is a string in JSON")
                .isEqualTo("{\"count\":\"2\"}\n");
        assertThat(ok("call", uri, "conduit.kv.Kv/Scan", "{\"prefix\":\"fruit/\"}")
                        .out()
                        .lines())
                .as("server streaming: one JSON document per response, one per line")
                .containsExactly(
                        "{\"key\":\"fruit/apple\",\"value\":\"cmVk\"}",
                        "{\"key\":\"fruit/fig\"}",
                        "{\"key\":\"fruit/kiwi\"}");
        assertThat(ok("call", uri, "conduit.kv.Kv/Put", "{\"key\":\"fruit/fig\"}", "--emit-defaults")
                        .out())
                .isEqualTo("{\"created\":false}\n");
    }

    @ParameterizedTest
    @MethodSource("transports")
    void describesServicesMessagesAndFieldsAsProtoSource(String transport) {
        String uri = server(transport);
        assertThat(ok("call", uri, "describe", "conduit.kv.Kv").out().lines())
                .containsExactly(
                        "conduit.kv.Kv is a service:",
                        "service Kv {",
                        "  rpc Put(.conduit.kv.PutRequest) returns (.conduit.kv.PutReply);",
                        "  rpc Get(.conduit.kv.GetRequest) returns (.conduit.kv.GetReply);",
                        "  rpc Delete(.conduit.kv.DeleteRequest) returns (.conduit.kv.DeleteReply);",
                        "  rpc Scan(.conduit.kv.ScanRequest) returns (stream .conduit.kv.Entry);",
                        "  rpc Watch(.conduit.kv.WatchRequest) returns (stream .conduit.kv.Change);",
                        "  rpc PutMany(stream .conduit.kv.PutRequest) returns (.conduit.kv.PutManyReply);",
                        "}");
        assertThat(ok("call", uri, "describe", "conduit.kv.Change").out().lines())
                .containsExactly(
                        "conduit.kv.Change is a message:",
                        "message Change {",
                        "  .conduit.kv.Change.Kind kind = 1;",
                        "  string key = 2;",
                        "  bytes value = 3;",
                        "  enum Kind {",
                        "    STARTED = 0;",
                        "    PUT = 1;",
                        "    DELETE = 2;",
                        "  }",
                        "}");
        assertThat(ok("call", uri, "describe", "conduit.kv.Kv.Scan").out().lines())
                .containsExactly(
                        "conduit.kv.Kv.Scan is a method:",
                        "rpc Scan(.conduit.kv.ScanRequest) returns (stream .conduit.kv.Entry);");
        assertThat(ok("call", uri, "describe", "conduit.kv.PutRequest.value")
                        .out()
                        .lines())
                .containsExactly("conduit.kv.PutRequest.value is a field:", "bytes value = 2;");
        assertThat(ok("call", uri, "describe").out())
                .as("every service, the standard ones included")
                .contains("conduit.kv.Kv is a service:", "grpc.health.v1.Health is a service:")
                .contains("  rpc Watch(.grpc.health.v1.HealthCheckRequest) returns (stream"
                        + " .grpc.health.v1.HealthCheckResponse);");
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aFailedCallPrintsItsStatusOnOneLineAndExitsWith64PlusTheCode(String transport) {
        String uri = server(transport);
        Run missing = CliTest.run("call", uri, "conduit.kv.Kv/Get", "{\"key\":\"fruit/pear\"}");
        assertThat(missing.exitCode()).isEqualTo(64 + 5);
        assertThat(missing.err()).isEqualTo("conduit: NOT_FOUND: fruit/pear\n");
        assertThat(missing.out()).isEmpty();

        Run noMethod = CliTest.run("call", uri, "conduit.kv.Kv/Nope");
        assertThat(noMethod.exitCode()).isEqualTo(64 + 5);
        assertThat(noMethod.err())
                .isEqualTo("conduit: NOT_FOUND: service conduit.kv.Kv has no method 'Nope'; it has [Put, Get, Delete,"
                        + " Scan, Watch, PutMany]\n");

        Run noService = CliTest.run("call", uri, "demo.Nothing/Do", "{}");
        assertThat(noService.exitCode()).isEqualTo(64 + 5);
        assertThat(noService.err()).isEqualTo("conduit: NOT_FOUND: no file declares the symbol 'demo.Nothing'\n");

        Run deadline = CliTest.run("call", uri, "conduit.kv.Kv/Watch", "{\"prefix\":\"w/\"}", "--timeout", "300ms");
        assertThat(deadline.exitCode()).as(deadline.err()).isEqualTo(64 + 4);
        assertThat(deadline.out())
                .as("the watch's first message came before the deadline")
                .isEqualTo("{}\n");
        assertThat(deadline.err()).startsWith("conduit: DEADLINE_EXCEEDED: ");
    }

    @ParameterizedTest
    @MethodSource("transports")
    void usageErrorsExit64OnOneLine(String transport) {
        String uri = server(transport);
        Run badJson = CliTest.run("call", uri, "conduit.kv.Kv/Get", "{\"kee\": 1}");
        assertThat(badJson.exitCode()).isEqualTo(ConduitCli.USAGE_ERROR);
        assertThat(badJson.err())
                .isEqualTo("conduit: request is not a conduit.kv.GetRequest in JSON (Cannot find field: kee in message"
                        + " conduit.kv.GetRequest): {\"kee\": 1}\n");

        Run twoForUnary = CliTest.run("call", uri, "conduit.kv.Kv/Get", "{}", "{}");
        assertThat(twoForUnary.exitCode()).isEqualTo(ConduitCli.USAGE_ERROR);
        assertThat(twoForUnary.err())
                .isEqualTo("conduit: conduit.kv.Kv.Get takes one request; give one JSON document\n");

        Run badStreamRequest = CliTest.run("call", uri, "conduit.kv.Kv/PutMany", "{\"key\":\"k\"}", "not json");
        assertThat(badStreamRequest.exitCode()).isEqualTo(ConduitCli.USAGE_ERROR);
        assertThat(badStreamRequest.err().lines()).singleElement().asString().startsWith("conduit: request is not a");

        Run notAMethod = CliTest.run("call", uri, "Kv");
        assertThat(notAMethod.exitCode()).isEqualTo(ConduitCli.USAGE_ERROR);
        assertThat(notAMethod.err())
                .isEqualTo("conduit: expected pkg.Service/Method, list or describe after the URI, not 'Kv'\n");

        Run notAService = CliTest.run("call", uri, "list", "conduit.kv.PutRequest");
        assertThat(notAService.exitCode()).isEqualTo(ConduitCli.USAGE_ERROR);
        assertThat(notAService.err()).isEqualTo("conduit: 'conduit.kv.PutRequest' is not a service\n");
    }
}
