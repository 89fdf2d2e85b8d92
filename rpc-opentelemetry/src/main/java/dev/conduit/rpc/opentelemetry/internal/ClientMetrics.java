package dev.conduit.rpc.opentelemetry.internal;

import dev.conduit.rpc.ClientCallTracer;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.Status;
import io.opentelemetry.api.common.Attributes;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The client's gRFC A66 metrics: {@code grpc.client.attempt.*} for each attempt of a call (a retried call has
 * several), {@code grpc.client.call.duration} once per call, from its start to the end of its last attempt.
 */
public final class ClientMetrics implements ClientCallTracer.Factory {
    private final RpcInstruments instruments;
    private final Predicate<String> recordMethod;

    /**
     * {@code recordMethod}: which full method names of unregistered descriptors are recorded as such; registered ones
     * ({@link MethodDescriptor#isRegistered()}) always are, the rest become {@code other}.
     */
    public ClientMetrics(RpcInstruments instruments, Predicate<String> recordMethod) {
        this.instruments = instruments;
        this.recordMethod = recordMethod;
    }

    @Override
    public ClientCallTracer newCallTracer(MethodDescriptor<?, ?> method, String target, String transport) {
        String name = method.isRegistered() || recordMethod.test(method.fullName())
                ? method.fullName()
                : RpcInstruments.OTHER_METHOD;
        return new Call(Attributes.of(
                RpcInstruments.METHOD, name, RpcInstruments.TARGET, target, RpcInstruments.TRANSPORT, transport));
    }

    /** One call: its start, and its attempts. */
    private final class Call extends ClientCallTracer {
        private final Attributes base;
        private final long startNanos = System.nanoTime();

        Call(Attributes base) {
            this.base = base;
        }

        @Override
        public ClientCallTracer.Attempt newAttempt(int previousAttempts, boolean transparent) {
            instruments.clientAttemptStarted.add(1, base);
            return new AttemptMetrics(base);
        }

        @Override
        public void callEnded(Status status) {
            instruments.clientCallDuration.record((System.nanoTime() - startNanos) / 1e9, withStatus(base, status));
        }
    }

    /** One attempt's sizes and start time; messages arrive from several threads, hence the atomics. */
    private final class AttemptMetrics extends ClientCallTracer.Attempt {
        private final Attributes base;
        private final long startNanos = System.nanoTime();
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong received = new AtomicLong();

        AttemptMetrics(Attributes base) {
            this.base = base;
        }

        @Override
        public void outboundMessage(long wireSize) {
            sent.addAndGet(wireSize);
        }

        @Override
        public void inboundMessage(long wireSize) {
            received.addAndGet(wireSize);
        }

        @Override
        public void attemptEnded(Status status) {
            Attributes ended = withStatus(base, status);
            instruments.clientAttemptDuration.record((System.nanoTime() - startNanos) / 1e9, ended);
            instruments.clientAttemptSent.record(sent.get(), ended);
            instruments.clientAttemptRcvd.record(received.get(), ended);
        }
    }

    private static Attributes withStatus(Attributes base, Status status) {
        return base.toBuilder().put(RpcInstruments.STATUS, status.code().name()).build();
    }
}
