package dev.conduit.rpc.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.StringValue;
import dev.conduit.rpc.BlockingStreamCall;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.ResponseStream;
import dev.conduit.rpc.RpcChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Per-call flow control keeps a slow consumer's memory bounded, over every transport. What a receiver holds is
 * measured as messages the sender has handed to the transport minus messages the receiving application has
 * consumed: everything in that gap sits in transport buffers or in the receiver's queues. Without flow control the
 * sender would race to the end of the stream while the consumer is stalled; with it the gap stays within the window.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.conduit.rpc.suite.TransportCase#all")
class RpcFlowControlSuiteTest extends SuiteFixture {
    private static final int SIZE = 1024;
    /** The protobuf wrapper adds 3 bytes; the protocol charges 8 per message on top of its payload. */
    private static final int COST = SIZE + 3 + 8;

    @Test
    void slowClientBoundsWhatAFastServerStreamHasInFlight() {
        int window = 8 << 10;
        RpcChannel slow = newChannel(b -> b.initialWindow(window));
        String tag = tag("slow-client");
        int count = 400;
        // In the client: the window's worth queued, plus the blocking reader's prefetch; plus one being written.
        long bound = window / COST + 1 + dev.conduit.rpc.internal.BlockingReceiver.PREFETCH + 1;
        long maxGap = 0;
        try (ResponseStream<BytesValue> stream = ClientCalls.blockingServerStreaming(
                slow, TestService.RANGE, CallOptions.DEFAULT, StringValue.of(tag + ":" + count + ":" + SIZE))) {
            for (long consumed = 0; consumed < count; consumed++) {
                if (consumed % 4 == 0) {
                    long gap = progress(slow, tag) - consumed;
                    maxGap = Math.max(maxGap, gap);
                    assertThat(gap)
                            .as("messages the server sent beyond what the client consumed")
                            .isLessThanOrEqualTo(bound);
                }
                assertThat(stream.next().getValue().asReadOnlyByteBuffer().getLong())
                        .isEqualTo(consumed);
            }
            assertThat(stream.hasNext()).isFalse();
        }
        // The server did run ahead of the reader: flow control bounded it, not a lock-step exchange.
        assertThat(maxGap).isGreaterThan(window / COST / 2);
    }

    @Test
    void slowServerBoundsWhatAFastClientStreamHasInFlight() throws Exception {
        String tag = tag("slow-server");
        int count = 300;
        long bound = TestServers.SERVER_WINDOW / COST + 2;
        AtomicLong sent = new AtomicLong();
        CallOptions options = CallOptions.DEFAULT.withHeaders(Metadata.of("x-tag", tag));
        try (BlockingStreamCall<BytesValue, StringValue> call =
                ClientCalls.blockingStream(channel, TestService.SINK, options)) {
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                BytesValue m = BytesValue.of(ByteString.copyFrom(new byte[SIZE]));
                for (int i = 0; i < count; i++) {
                    call.send(m); // waits while the server grants no credit
                    sent.incrementAndGet();
                }
                call.halfClose();
            });
            long released = 0;
            long maxGap = 0;
            while (released < count) {
                long consumed = released;
                // The gate is shut once the server has used every permit: nothing is consumed while we look.
                await().atMost(TIMEOUT).until(() -> progress(tag) == consumed);
                long gap = sent.get() - consumed;
                maxGap = Math.max(maxGap, gap);
                assertThat(gap)
                        .as("messages the client sent beyond what the server consumed")
                        .isLessThanOrEqualTo(bound);
                long step = Math.min(25, count - released);
                unary(TestService.RELEASE, tag + ":" + step);
                released += step;
            }
            sender.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(call.receive()).isEqualTo(StringValue.of(Long.toString(count)));
            assertThat(maxGap).isGreaterThan(bound / 2);
        }
    }
}
