package dev.conduit.examples.cli;

import com.google.protobuf.ByteString;
import dev.conduit.core.Conduit;
import dev.conduit.examples.kv.Change;
import dev.conduit.examples.kv.DeleteRequest;
import dev.conduit.examples.kv.Entry;
import dev.conduit.examples.kv.GetRequest;
import dev.conduit.examples.kv.KvRpc;
import dev.conduit.examples.kv.PutRequest;
import dev.conduit.examples.kv.ScanRequest;
import dev.conduit.examples.kv.WatchRequest;
import dev.conduit.rpc.ResponseStream;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.Status;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conduit kv URI put|get|delete|scan|watch ...}: a client of {@code kv-server}. Exit codes are a contract: 0 on
 * success; 2 with {@code NOT_FOUND: <key>} on stderr for a missing key; 1 with {@code <STATUS>: <message>} on stderr
 * for any other failure.
 */
@Command(
        name = "kv",
        mixinStandardHelpOptions = true,
        description = "Call a kv-server: put KEY VALUE | get KEY | delete KEY | scan PREFIX | watch PREFIX.",
        footer = "Exit codes: 0 done; 2 NOT_FOUND: <key> (a missing key); 1 <STATUS>: <message> (any other failure).")
final class KvCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "URI", converter = Arguments.Uri.class, description = "the server's endpoint")
    String uri;

    @Parameters(index = "1", paramLabel = "OPERATION", description = "put, get, delete, scan or watch")
    String operation;

    @Parameters(index = "2..*", paramLabel = "ARG", description = "KEY [VALUE] or PREFIX")
    java.util.List<String> args = new java.util.ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        need(
                switch (operation) {
                    case "put" -> "put KEY VALUE";
                    case "get" -> "get KEY";
                    case "delete" -> "delete KEY";
                    case "scan" -> "scan PREFIX";
                    case "watch" -> "watch PREFIX";
                    default ->
                        throw new ParameterException(
                                spec.commandLine(),
                                "unknown operation '" + operation + "'; expected put, get, delete, scan or watch");
                });
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Conduit conduit = Conduit.builder().name("kv").build();
                RpcChannel channel = RpcChannel.builder(conduit).target(uri).build()) {
            KvRpc.BlockingClient kv = KvRpc.newBlockingClient(channel);
            switch (operation) {
                case "put" -> {
                    kv.put(PutRequest.newBuilder()
                            .setKey(args.get(0))
                            .setValue(utf8(args.get(1)))
                            .build());
                    out.println("OK");
                }
                case "get" -> {
                    out.println(
                            kv.get(GetRequest.newBuilder().setKey(args.get(0)).build())
                                    .getValue()
                                    .toStringUtf8());
                }
                case "delete" -> {
                    kv.delete(DeleteRequest.newBuilder().setKey(args.get(0)).build());
                    out.println("OK");
                }
                case "scan" -> {
                    try (ResponseStream<Entry> entries = kv.scan(
                            ScanRequest.newBuilder().setPrefix(args.get(0)).build())) {
                        entries.forEachRemaining(
                                e -> out.println(e.getKey() + "=" + e.getValue().toStringUtf8()));
                    }
                }
                case "watch" -> {
                    try (ResponseStream<Change> changes = kv.watch(
                            WatchRequest.newBuilder().setPrefix(args.get(0)).build())) {
                        while (changes.hasNext()) {
                            out.println(describe(changes.next()));
                            out.flush();
                        }
                    }
                }
                default -> throw new IllegalStateException(operation); // refused by need() above
            }
            out.flush();
            return 0;
        } catch (RpcException e) {
            if (operation.equals("watch") && Thread.currentThread().isInterrupted()) {
                return 0; // interrupted (Ctrl-C): the normal end of a watch
            }
            Status status = e.status();
            if (status.code() == Status.Code.NOT_FOUND) {
                err.println("NOT_FOUND: " + (args.isEmpty() ? "" : args.get(0)));
                err.flush();
                return 2;
            }
            err.println(status.code() + ": " + (status.description() == null ? "" : status.description()));
            err.flush();
            return 1;
        }
    }

    /** Refuses, as a usage error, arguments that do not match {@code usage} ({@code put KEY VALUE}). */
    private void need(String usage) {
        int n = usage.split(" ").length - 1;
        if (args.size() != n) {
            throw new ParameterException(
                    spec.commandLine(),
                    "expected: conduit kv URI " + usage + " (got " + args.size() + " argument"
                            + (args.size() == 1 ? "" : "s") + " after " + operation + ")");
        }
    }

    private static ByteString utf8(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    private static String describe(Change change) {
        return switch (change.getKind()) {
            case STARTED -> "watching";
            case PUT -> "PUT " + change.getKey() + "=" + change.getValue().toStringUtf8();
            case DELETE -> "DELETE " + change.getKey();
            default -> "? " + change;
        };
    }
}
