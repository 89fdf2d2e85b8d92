package dev.conduit.rpc.internal.grpc;

import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.ServerCallContext;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.StreamObserver;
import java.util.TreeSet;
import java.util.function.Consumer;

/** A Conduit server on {@code grpc://127.0.0.1:0} with a few text methods for wire-level tests. */
final class GrpcTestServer implements AutoCloseable {
    static final MethodDescriptor<String, String> UNARY =
            MethodDescriptor.of("test.Echo/Unary", MethodType.UNARY, Codecs.text(), Codecs.text());
    static final MethodDescriptor<String, String> SINK =
            MethodDescriptor.of("test.Echo/Sink", MethodType.CLIENT_STREAMING, Codecs.text(), Codecs.text());
    static final MethodDescriptor<String, String> FAIL =
            MethodDescriptor.of("test.Echo/Fail", MethodType.UNARY, Codecs.text(), Codecs.text());
    static final MethodDescriptor<String, String> MANY =
            MethodDescriptor.of("test.Echo/Many", MethodType.SERVER_STREAMING, Codecs.text(), Codecs.text());
    static final MethodDescriptor<String, String> HEADERS =
            MethodDescriptor.of("test.Echo/Headers", MethodType.UNARY, Codecs.text(), Codecs.text());

    final Conduit conduit = Conduit.create();
    final RpcServer server;

    GrpcTestServer(Consumer<RpcServer.Builder> settings) {
        ServiceDefinition service = ServiceDefinition.builder("test.Echo")
                .unary(UNARY, (request, responses) -> {
                    responses.onNext(request);
                    responses.onCompleted();
                })
                .clientStreaming(SINK, responses -> new StreamObserver<String>() {
                    private int count;

                    @Override
                    public void onNext(String value) {
                        count++;
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {
                        responses.onNext(Integer.toString(count));
                        responses.onCompleted();
                    }
                })
                .unary(FAIL, (request, responses) -> {
                    // A handler cannot forge the runtime's own trailers: grpc-status here must not reach the wire.
                    Metadata trailers = new Metadata()
                            .put("grpc-status", "0")
                            .putBinary("detail-bin", new byte[] {0, 1, 2, (byte) 0xff});
                    throw Status.NOT_FOUND.withDescription(request).asException(trailers);
                })
                .serverStreaming(MANY, (request, responses) -> {
                    // "count:size": that many responses of that many characters, as fast as allowed
                    String[] spec = request.split(":", 2);
                    String message = "m".repeat(Integer.parseInt(spec[1]));
                    for (int i = Integer.parseInt(spec[0]); i > 0; i--) {
                        responses.onNext(message);
                    }
                    responses.onCompleted();
                })
                .unary(HEADERS, (request, responses) -> {
                    responses.onNext(String.join(
                            ",",
                            new TreeSet<>(
                                    ServerCallContext.current().requestHeaders().keys())));
                    responses.onCompleted();
                })
                .build();
        RpcServer.Builder b =
                RpcServer.builder(conduit).listen("grpc://127.0.0.1:0").addService(service);
        settings.accept(b);
        this.server = b.start();
    }

    int port() {
        return server.endpoints().get(0).port();
    }

    String uri() {
        return server.endpoints().get(0).toString();
    }

    @Override
    public void close() {
        server.close();
        conduit.close();
    }
}
