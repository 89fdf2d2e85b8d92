package dev.conduit.examples.kv;

import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.core.testkit.JavaCommand;
import dev.conduit.examples.chat.ChatRpc;
import dev.conduit.examples.chat.Line;
import dev.conduit.ipc.PipeOptions;
import dev.conduit.ipc.Pipes;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServerResponseObserver;
import dev.conduit.rpc.StreamObserver;
import java.util.List;

/**
 * The services of {@link KvOverEveryTransportTest}, and a program serving them on {@code pipe:} (its own stdin and
 * stdout) for the pipe case, where the server is a child process spawned by the client's connection.
 */
public final class KvTestServer {
    private KvTestServer() {}

    /** Adds the store and the shouting chat, or, when {@code implemented} is false, a Kv service that overrides nothing. */
    static RpcServer.Builder addServices(RpcServer.Builder builder, boolean implemented) {
        if (!implemented) {
            return builder.addService(KvRpc.bindService(new KvRpc.Service() {}));
        }
        return builder.addService(KvRpc.bindService(new KvStore())).addService(ChatRpc.bindService(new Shout()));
    }

    /** A {@code pipe:} URI whose connections each spawn this program in a child JVM with the test's classpath. */
    static String pipeUri(boolean implemented) {
        String cmd = Pipes.commandLine(
                JavaCommand.of(List.of("-Xmx256m"), KvTestServer.class, implemented ? "all" : "none"));
        return Endpoint.parse("pipe:").with(PipeOptions.CMD, cmd).toString();
    }

    /** Serves on {@code pipe:} until the parent closes the channel; {@code args[0]} is {@code all} or {@code none}. */
    public static void main(String[] args) throws Exception {
        try (Conduit conduit = Conduit.builder().name("kv-test-child").build();
                RpcServer server = addServices(RpcServer.builder(conduit).listen("pipe:"), args[0].equals("all"))
                        .start()) {
            // Once pipe: serves the channel, System.in yields nothing until the channel closes, then end of stream.
            while (System.in.read() >= 0) {
                // wait for the parent to close the channel
            }
        }
    }

    /** Bidirectional streaming: answers each line with the line in capitals. */
    private static final class Shout implements ChatRpc.Service {
        @Override
        public StreamObserver<Line> shout(ServerResponseObserver<Line> responses) {
            return new StreamObserver<>() {
                @Override
                public void onNext(Line line) {
                    responses.onNext(Line.newBuilder()
                            .setText(line.getText().toUpperCase())
                            .build());
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {
                    responses.onCompleted();
                }
            };
        }
    }
}
