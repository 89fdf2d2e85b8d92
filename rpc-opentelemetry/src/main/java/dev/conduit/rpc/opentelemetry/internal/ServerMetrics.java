package dev.conduit.rpc.opentelemetry.internal;

import dev.conduit.rpc.Metadata;
import dev.conduit.rpc.ServerCallTracer;
import dev.conduit.rpc.Status;
import io.opentelemetry.api.common.Attributes;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's gRFC A66 metrics: one {@link Call} per call, from its headers' arrival to its status being handed to
 * the transport. Methods the server does not have are recorded as {@code other}, so a client cannot grow the number
 * of time series by inventing names.
 */
public final class ServerMetrics implements ServerCallTracer.Factory {
    private final RpcInstruments instruments;

    public ServerMetrics(RpcInstruments instruments) {
        this.instruments = instruments;
    }

    @Override
    public ServerCallTracer newCallTracer(
            String fullMethodName, boolean registered, String transport, Metadata headers) {
        Attributes base = Attributes.of(
                RpcInstruments.METHOD,
                registered ? fullMethodName : RpcInstruments.OTHER_METHOD,
                RpcInstruments.TRANSPORT,
                transport);
        instruments.serverCallStarted.add(1, base);
        return new Call(base);
    }

    /** One call's sizes and start time; messages arrive from several threads, hence the atomics. */
    private final class Call extends ServerCallTracer {
        private final Attributes base;
        private final long startNanos = System.nanoTime();
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong received = new AtomicLong();

        Call(Attributes base) {
            this.base = base;
        }

        @Override
        public void inboundMessage(long wireSize) {
            received.addAndGet(wireSize);
        }

        @Override
        public void outboundMessage(long wireSize) {
            sent.addAndGet(wireSize);
        }

        @Override
        public void callEnded(Status status) {
            Attributes ended = base.toBuilder()
                    .put(RpcInstruments.STATUS, status.code().name())
                    .build();
            instruments.serverCallDuration.record((System.nanoTime() - startNanos) / 1e9, ended);
            instruments.serverCallSent.record(sent.get(), ended);
            instruments.serverCallRcvd.record(received.get(), ended);
        }
    }
}
