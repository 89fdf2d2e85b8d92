package dev.conduit.rpc.opentelemetry.internal;

import dev.conduit.rpc.ClientCallTracer;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.Status;
import io.opentelemetry.api.common.Attributes;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The client's gRFC A66 metrics: one {@link Attempt} per call. Conduit makes one attempt per call (no retries yet),
 * so the attempt's end is also the call's and both durations are recorded together; once retries exist, the call
 * duration moves to whatever spans the attempts.
 */
public final class ClientMetrics implements ClientCallTracer.Factory {
    private final RpcInstruments instruments;
    private final Predicate<String> recordMethod;

    /** {@code recordMethod}: which full method names are recorded as such; the rest become {@code other}. */
    public ClientMetrics(RpcInstruments instruments, Predicate<String> recordMethod) {
        this.instruments = instruments;
        this.recordMethod = recordMethod;
    }

    @Override
    public ClientCallTracer newCallTracer(MethodDescriptor<?, ?> method, String target, String transport) {
        String name = recordMethod.test(method.fullName()) ? method.fullName() : RpcInstruments.OTHER_METHOD;
        Attributes base = Attributes.of(
                RpcInstruments.METHOD, name, RpcInstruments.TARGET, target, RpcInstruments.TRANSPORT, transport);
        instruments.clientAttemptStarted.add(1, base);
        return new Attempt(base);
    }

    /** One attempt's sizes and start time; messages arrive from several threads, hence the atomics. */
    private final class Attempt extends ClientCallTracer {
        private final Attributes base;
        private final long startNanos = System.nanoTime();
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong received = new AtomicLong();

        Attempt(Attributes base) {
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
        public void callEnded(Status status) {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            Attributes ended = base.toBuilder()
                    .put(RpcInstruments.STATUS, status.code().name())
                    .build();
            instruments.clientAttemptDuration.record(seconds, ended);
            instruments.clientAttemptSent.record(sent.get(), ended);
            instruments.clientAttemptRcvd.record(received.get(), ended);
            instruments.clientCallDuration.record(seconds, ended);
        }
    }
}
