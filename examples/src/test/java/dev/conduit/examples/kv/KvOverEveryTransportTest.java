package dev.conduit.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.conduit.core.Conduit;
import dev.conduit.examples.chat.ChatRpc;
import dev.conduit.examples.chat.Line;
import dev.conduit.rpc.BlockingStreamCall;
import dev.conduit.rpc.ResponseStream;
import dev.conduit.rpc.RpcChannel;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.RpcServer;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.StreamObserver;
import dev.conduit.transport.netty.NettyEngine;
import dev.conduit.transport.netty.testkit.NativeEngines;
import dev.conduit.transport.socket.internal.TestPki;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated stubs (KvRpc from kv.proto, ChatRpc from the test's chat.proto), for every call kind, over every
 * transport: the same service and client code, only the URI changes.
 */
class KvOverEveryTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final java.util.concurrent.atomic.AtomicInteger NAMES =
            new java.util.concurrent.atomic.AtomicInteger();

    private Conduit conduit;
    private RpcServer server;
    private RpcChannel channel;

    /**
     * One URI per transport; the server listens on it, the client connects to what it bound. For {@code pipe:} the
     * client spawns the server. Not udp: RPC needs delivery without loss and messages larger than a datagram (see
     * {@code RpcOverUdpTest} in the RPC runtime's tests).
     */
    static Stream<Named<String>> transports() {
        TestPki pki = TestPki.get();
        return Stream.of(
                Named.of("inproc", "inproc://*"),
                Named.of("tcp", "tcp://127.0.0.1:0"),
                Named.of("tcp+io_uring", "tcp://127.0.0.1:0?io=io_uring"),
                Named.of("tcps", "tcps://127.0.0.1:0?" + pki.serverOptions() + "&tls.trust=" + pki.ca()),
                Named.of(
                        "unix",
                        "unix://" + System.getProperty("java.io.tmpdir") + "/kv-test-"
                                + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet() + ".sock"),
                Named.of("fifo", "fifo://" + tempDir() + "/kv"),
                Named.of(
                        "shm",
                        "shm://kv-test-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet() + "?dir="
                                + tempDir()),
                Named.of("pipe", "pipe:"),
                Named.of("grpc", "grpc://127.0.0.1:0"));
    }

    /** A new temporary directory for shm's files; removed at exit, when the transport has emptied it. */
    static String tempDir() {
        try {
            java.io.File dir =
                    java.nio.file.Files.createTempDirectory("kv-test").toFile();
            dir.deleteOnExit();
            return dir.getPath();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void start(String uri) {
        start(uri, true);
    }

    /**
     * Starts the server on {@code uri} and a client channel to it. Over {@code pipe:} the server is a child JVM that
     * the client's connection spawns ({@link KvTestServer}); {@link #server} then stays null.
     */
    private void start(String uri, boolean implemented) {
        if (uri.contains("io=io_uring")) {
            NativeEngines.assumeAvailable(NettyEngine.IO_URING);
        }
        conduit = Conduit.builder().name("kv-test").build();
        String target;
        if (uri.startsWith("pipe:")) {
            target = KvTestServer.pipeUri(implemented);
        } else {
            server = KvTestServer.addServices(RpcServer.builder(conduit).listen(uri), implemented)
                    .start();
            target = server.endpoints().get(0).toString();
        }
        channel = RpcChannel.builder(conduit).target(target).build();
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.close();
        }
        if (server != null) {
            server.close();
        }
        if (conduit != null) {
            conduit.close();
        }
    }

    private static PutRequest put(String key, String value) {
        return PutRequest.newBuilder()
                .setKey(key)
                .setValue(ByteString.copyFromUtf8(value))
                .build();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void unaryCallsPutGetAndDeleteWithNotFoundAsAStatus(String uri) {
        start(uri);
        KvRpc.BlockingClient kv = KvRpc.newBlockingClient(channel);
        assertThat(kv.put(put("a", "1")).getCreated()).isTrue();
        assertThat(kv.put(put("a", "2")).getCreated()).isFalse();
        assertThat(kv.get(GetRequest.newBuilder().setKey("a").build())
                        .getValue()
                        .toStringUtf8())
                .isEqualTo("2");
        kv.delete(DeleteRequest.newBuilder().setKey("a").build());
        assertThatThrownBy(() -> kv.get(GetRequest.newBuilder().setKey("a").build()))
                .isInstanceOf(RpcException.class)
                .satisfies(e -> {
                    assertThat(((RpcException) e).code()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(((RpcException) e).status().description()).isEqualTo("a");
                });
    }

    @ParameterizedTest
    @MethodSource("transports")
    void asyncUnaryCallsCompleteTheirFutures(String uri) throws Exception {
        start(uri);
        KvRpc.AsyncClient kv = KvRpc.newAsyncClient(channel);
        kv.put(put("k", "v")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        GetReply reply = kv.get(GetRequest.newBuilder().setKey("k").build()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reply.getValue().toStringUtf8()).isEqualTo("v");
        CompletableFuture<GetReply> missing =
                kv.get(GetRequest.newBuilder().setKey("nope").build());
        assertThatThrownBy(() -> missing.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(RpcException.class);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void serverStreamingScansInKeyOrderBlockingAndAsync(String uri) throws Exception {
        start(uri);
        KvRpc.BlockingClient kv = KvRpc.newBlockingClient(channel);
        for (String k : List.of("b/2", "a/1", "b/1", "c/1", "b/3")) {
            kv.put(put(k, k.toUpperCase()));
        }
        List<String> keys = new ArrayList<>();
        try (ResponseStream<Entry> entries =
                kv.scan(ScanRequest.newBuilder().setPrefix("b/").build())) {
            entries.forEachRemaining(
                    e -> keys.add(e.getKey() + "=" + e.getValue().toStringUtf8()));
        }
        assertThat(keys).containsExactly("b/1=B/1", "b/2=B/2", "b/3=B/3");

        List<String> async = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        KvRpc.newAsyncClient(channel)
                .scan(ScanRequest.newBuilder().setPrefix("").build(), collect(e -> async.add(e.getKey()), done));
        done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(async).containsExactly("a/1", "b/1", "b/2", "b/3", "c/1");
    }

    @ParameterizedTest
    @MethodSource("transports")
    void watchStreamsChangesUntilTheClientCancels(String uri) {
        start(uri);
        KvRpc.BlockingClient kv = KvRpc.newBlockingClient(channel);
        try (ResponseStream<Change> changes =
                kv.watch(WatchRequest.newBuilder().setPrefix("w/").build())) {
            assertThat(changes.next().getKind()).isEqualTo(Change.Kind.STARTED);
            kv.put(put("w/x", "1"));
            kv.put(put("other", "ignored"));
            kv.delete(DeleteRequest.newBuilder().setKey("w/x").build());
            Change first = changes.next();
            Change second = changes.next();
            assertThat(first.getKind()).isEqualTo(Change.Kind.PUT);
            assertThat(first.getKey()).isEqualTo("w/x");
            assertThat(second.getKind()).isEqualTo(Change.Kind.DELETE);
        }
        if (server != null) { // over pipe: the server is a child process, which ends with the channel
            await().atMost(WAIT).until(() -> server.activeCalls() == 0);
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void clientStreamingStoresEveryEntryBlockingAndAsync(String uri) throws Exception {
        start(uri);
        try (BlockingStreamCall<PutRequest, PutManyReply> call =
                KvRpc.newBlockingClient(channel).putMany()) {
            for (int i = 0; i < 1000; i++) {
                call.send(put("many/" + i, "v" + i));
            }
            call.halfClose();
            assertThat(call.receive().getCount()).isEqualTo(1000);
        }
        List<String> replies = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<PutRequest> requests =
                KvRpc.newAsyncClient(channel).putMany(collect(r -> replies.add(Long.toString(r.getCount())), done));
        requests.onNext(put("async/1", "x"));
        requests.onNext(put("async/2", "y"));
        requests.onCompleted();
        done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(replies).containsExactly("2");
        assertThat(KvRpc.newBlockingClient(channel)
                        .get(GetRequest.newBuilder().setKey("many/999").build())
                        .getValue()
                        .toStringUtf8())
                .isEqualTo("v999");
    }

    @ParameterizedTest
    @MethodSource("transports")
    void bidirectionalStreamingAnswersEachMessageAsItArrives(String uri) throws Exception {
        start(uri);
        try (BlockingStreamCall<Line, Line> call =
                ChatRpc.newBlockingClient(channel).shout()) {
            for (String word : List.of("one", "two", "three")) {
                call.send(Line.newBuilder().setText(word).build());
                assertThat(call.receive().getText()).isEqualTo(word.toUpperCase());
            }
            call.halfClose();
            assertThat(call.receive()).as("end of the response stream").isNull();
        }
        List<String> async = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<Line> lines = ChatRpc.newAsyncClient(channel).shout(collect(l -> async.add(l.getText()), done));
        lines.onNext(Line.newBuilder().setText("a").build());
        lines.onNext(Line.newBuilder().setText("b").build());
        lines.onCompleted();
        done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(async).containsExactly("A", "B");
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aMethodTheServiceDoesNotOverrideIsUnimplemented(String uri) {
        start(uri, false);
        assertThatThrownBy(() -> KvRpc.newBlockingClient(channel).get(GetRequest.getDefaultInstance()))
                .isInstanceOf(RpcException.class)
                .satisfies(e -> assertThat(((RpcException) e).code()).isEqualTo(Status.Code.UNIMPLEMENTED))
                .hasMessageContaining("conduit.kv.Kv/Get");
    }

    /** An observer that hands each message to {@code each} and completes {@code done} with the stream. */
    private static <T> StreamObserver<T> collect(java.util.function.Consumer<T> each, CompletableFuture<Void> done) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                each.accept(value);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        };
    }
}
