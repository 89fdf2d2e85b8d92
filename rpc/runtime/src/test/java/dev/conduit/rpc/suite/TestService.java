package dev.conduit.rpc.suite;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.StringValue;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.ServerCallContext;
import dev.conduit.rpc.ServerResponseObserver;
import dev.conduit.rpc.ServiceDefinition;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.StreamObserver;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service the per-transport suite calls, with protobuf messages (the default marshaller). What the server saw is
 * recorded by tag and read back over RPC ({@link #EVENTS}, {@link #PROGRESS}), so the same tests work when the server
 * runs in a child JVM.
 */
public final class TestService {
    static final String NAME = "conduit.test.TestService";

    static final MethodDescriptor<StringValue, StringValue> ECHO = unary("Echo");
    /** {@code unknown:<message>} throws an IllegalStateException; {@code <CODE>:<message>} an RpcException. */
    static final MethodDescriptor<StringValue, StringValue> FAIL = unary("Fail");
    /** Answers the remaining deadline in milliseconds, or {@code none}. */
    static final MethodDescriptor<StringValue, StringValue> REMAINING = unary("Remaining");
    /** Never answers; records {@code cancelled} for the tag (the request) when the call is cancelled. */
    static final MethodDescriptor<StringValue, StringValue> HANG = unary("Hang");
    /** The events recorded for a tag, comma-separated. */
    static final MethodDescriptor<StringValue, StringValue> EVENTS = unary("Events");
    /** The messages a tag's stream has sent (Range) or consumed (Sink). */
    static final MethodDescriptor<StringValue, StringValue> PROGRESS = unary("Progress");
    /** {@code <tag>:<n>} lets a tag's Sink consume n more messages. */
    static final MethodDescriptor<StringValue, StringValue> RELEASE = unary("Release");

    /** {@code <tag>:<count>:<size>}: count messages of size bytes, each starting with its sequence number. */
    static final MethodDescriptor<StringValue, BytesValue> RANGE = MethodDescriptor.protobuf(
            NAME + "/Range",
            MethodType.SERVER_STREAMING,
            StringValue.getDefaultInstance(),
            BytesValue.getDefaultInstance());
    /** Concatenates the requests; the tag {@code x-tag} header names the stream for Progress. */
    static final MethodDescriptor<StringValue, StringValue> COLLECT = MethodDescriptor.protobuf(
            NAME + "/Collect",
            MethodType.CLIENT_STREAMING,
            StringValue.getDefaultInstance(),
            StringValue.getDefaultInstance());
    /** Consumes byte messages only as fast as Release allows; answers the count. Tag in the {@code x-tag} header. */
    static final MethodDescriptor<BytesValue, StringValue> SINK = MethodDescriptor.protobuf(
            NAME + "/Sink",
            MethodType.CLIENT_STREAMING,
            BytesValue.getDefaultInstance(),
            StringValue.getDefaultInstance());
    /** Answers each request with {@code echo:<request>}; completes when the client does. */
    static final MethodDescriptor<StringValue, StringValue> CHAT = MethodDescriptor.protobuf(
            NAME + "/Chat",
            MethodType.BIDI_STREAMING,
            StringValue.getDefaultInstance(),
            StringValue.getDefaultInstance());

    /**
     * {@code <tag>:<failures>:<CODE>[:<pushback>]}: the tag's first {@code failures} calls fail with CODE (with a
     * {@code grpc-retry-pushback-ms} trailer if given), later ones answer {@code ok:<calls so far>}. Each call counts
     * in the tag's Progress and records {@code prev=<grpc-previous-rpc-attempts>} (or {@code prev=-}) in its Events.
     */
    static final MethodDescriptor<StringValue, StringValue> FLAKY = unary("Flaky");
    /** {@code <tag>}: sends {@code first}, then fails with UNAVAILABLE; each call counts in the tag's Progress. */
    static final MethodDescriptor<StringValue, StringValue> FLAKY_RANGE = MethodDescriptor.protobuf(
            NAME + "/FlakyRange",
            MethodType.SERVER_STREAMING,
            StringValue.getDefaultInstance(),
            StringValue.getDefaultInstance());
    /**
     * Like Collect, but the first {@code x-failures} calls of the {@code x-tag} header's tag fail with UNAVAILABLE
     * once every request has arrived; each call counts in the tag's Progress.
     */
    static final MethodDescriptor<StringValue, StringValue> FLAKY_COLLECT = MethodDescriptor.protobuf(
            NAME + "/FlakyCollect",
            MethodType.CLIENT_STREAMING,
            StringValue.getDefaultInstance(),
            StringValue.getDefaultInstance());

    private final Map<String, List<String>> events = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> progress = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> gates = new ConcurrentHashMap<>();

    private static MethodDescriptor<StringValue, StringValue> unary(String method) {
        return MethodDescriptor.protobuf(
                NAME + "/" + method,
                MethodType.UNARY,
                StringValue.getDefaultInstance(),
                StringValue.getDefaultInstance());
    }

    static StringValue text(String s) {
        return StringValue.of(s);
    }

    /** The service definition. */
    public ServiceDefinition definition() {
        return ServiceDefinition.builder(NAME)
                .unary(ECHO, this::echo)
                .unary(FAIL, TestService::fail)
                .unary(
                        REMAINING,
                        (req, out) -> reply(out, remaining(out.context().timeRemaining())))
                .unary(HANG, this::hang)
                .unary(EVENTS, (req, out) -> reply(out, String.join(",", events(req.getValue()))))
                .unary(
                        PROGRESS,
                        (req, out) ->
                                reply(out, Long.toString(counter(req.getValue()).get())))
                .unary(RELEASE, this::release)
                .serverStreaming(RANGE, this::range)
                .clientStreaming(COLLECT, this::collect)
                .clientStreaming(SINK, this::sink)
                .bidiStreaming(CHAT, TestService::chat)
                .unary(FLAKY, this::flaky)
                .serverStreaming(FLAKY_RANGE, this::flakyRange)
                .clientStreaming(FLAKY_COLLECT, this::flakyCollect)
                .build();
    }

    private void echo(StringValue request, ServerResponseObserver<StringValue> out) {
        for (String echo : out.context().requestHeaders().getAll("x-echo")) {
            out.context().responseTrailers().put("x-echo-back", echo); // every value, in the order received
        }
        byte[] bin = out.context().requestHeaders().getBinary("x-raw-bin");
        if (bin != null) {
            out.context().responseTrailers().putBinary("x-raw-back-bin", bin);
        }
        reply(out, request.getValue());
    }

    private static void fail(StringValue request, ServerResponseObserver<StringValue> out) {
        String[] w = request.getValue().split(":", 2);
        if (w[0].equals("unknown")) {
            throw new IllegalStateException(w[1]);
        }
        throw new RpcException(
                Status.Code.valueOf(w[0]).toStatus().withDescription(w[1]),
                Metadata.of("x-detail", "detail of " + w[1]));
    }

    private static String remaining(Duration d) {
        return d == null ? "none" : Long.toString(d.toMillis());
    }

    private void hang(StringValue request, ServerResponseObserver<StringValue> out) {
        String tag = request.getValue();
        out.setOnCancelHandler(() -> record(tag, "cancelled"));
        record(tag, "started");
    }

    private void release(StringValue request, ServerResponseObserver<StringValue> out) {
        String[] w = request.getValue().split(":");
        gate(w[0]).release(Integer.parseInt(w[1]));
        reply(out, "ok");
    }

    private void range(StringValue request, ServerResponseObserver<BytesValue> out) {
        String[] w = request.getValue().split(":");
        AtomicLong sent = counter(w[0]);
        int count = Integer.parseInt(w[1]);
        byte[] payload = new byte[Integer.parseInt(w[2])];
        for (int i = 0; i < count; i++) {
            ByteBuffer.wrap(payload).putLong(i);
            out.onNext(BytesValue.of(ByteString.copyFrom(payload)));
            sent.incrementAndGet();
        }
        out.onCompleted();
    }

    private StreamObserver<StringValue> collect(ServerResponseObserver<StringValue> out) {
        StringBuilder all = new StringBuilder();
        return new StreamObserver<>() {
            @Override
            public void onNext(StringValue value) {
                all.append(value.getValue());
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                reply(out, all.toString());
            }
        };
    }

    private StreamObserver<BytesValue> sink(ServerResponseObserver<StringValue> out) {
        String tag = String.valueOf(ServerCallContext.current().requestHeaders().get("x-tag"));
        AtomicLong consumed = counter(tag);
        Semaphore gate = gate(tag);
        return new StreamObserver<>() {
            @Override
            public void onNext(BytesValue value) {
                gate.acquireUninterruptibly();
                consumed.incrementAndGet();
            }

            @Override
            public void onError(Throwable t) {
                record(tag, "error");
            }

            @Override
            public void onCompleted() {
                reply(out, Long.toString(consumed.get()));
            }
        };
    }

    private void flaky(StringValue request, ServerResponseObserver<StringValue> out) {
        String[] w = request.getValue().split(":");
        long call = counter(w[0]).incrementAndGet();
        String previous = out.context().requestHeaders().get("grpc-previous-rpc-attempts");
        record(w[0], "prev=" + (previous == null ? "-" : previous));
        if (call <= Long.parseLong(w[1])) {
            Metadata trailers = w.length > 3 ? Metadata.of("grpc-retry-pushback-ms", w[3]) : new Metadata();
            throw new RpcException(Status.Code.valueOf(w[2]).toStatus().withDescription("failure " + call), trailers);
        }
        reply(out, "ok:" + call);
    }

    private void flakyRange(StringValue request, ServerResponseObserver<StringValue> out) {
        counter(request.getValue()).incrementAndGet();
        out.onNext(text("first"));
        out.onError(Status.UNAVAILABLE
                .withDescription("failed after the first response")
                .asException());
    }

    private StreamObserver<StringValue> flakyCollect(ServerResponseObserver<StringValue> out) {
        Metadata headers = out.context().requestHeaders();
        long call = counter(String.valueOf(headers.get("x-tag"))).incrementAndGet();
        boolean fail = call <= Long.parseLong(String.valueOf(headers.get("x-failures")));
        StreamObserver<StringValue> collect = collect(out);
        return new StreamObserver<>() {
            @Override
            public void onNext(StringValue value) {
                collect.onNext(value);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                if (fail) {
                    out.onError(Status.UNAVAILABLE
                            .withDescription("failure " + call)
                            .asException());
                } else {
                    collect.onCompleted();
                }
            }
        };
    }

    private static StreamObserver<StringValue> chat(ServerResponseObserver<StringValue> out) {
        return new StreamObserver<>() {
            @Override
            public void onNext(StringValue value) {
                out.onNext(text("echo:" + value.getValue()));
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                out.onCompleted();
            }
        };
    }

    private static void reply(StreamObserver<StringValue> out, String value) {
        out.onNext(text(value));
        out.onCompleted();
    }

    private void record(String tag, String event) {
        events.computeIfAbsent(tag, t -> new CopyOnWriteArrayList<>()).add(event);
    }

    private List<String> events(String tag) {
        return events.getOrDefault(tag, List.of());
    }

    private AtomicLong counter(String tag) {
        return progress.computeIfAbsent(tag, t -> new AtomicLong());
    }

    private Semaphore gate(String tag) {
        return gates.computeIfAbsent(tag, t -> new Semaphore(0));
    }
}
