package dev.conduit.rpc.opentelemetry.internal;

import dev.conduit.core.ChannelMetrics;
import dev.conduit.core.ChannelTraffic;
import dev.conduit.core.Conduit;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Core's channel-metrics hook as OpenTelemetry instruments: opens, closes, accepts and refusals are recorded as they
 * happen; traffic is observed at collection time from the runtimes' own totals ({@link Conduit#traffic()}), so the
 * message path records nothing. A closed runtime's final totals are kept, so that the counters never go down.
 * Thread-safe; one instance serves any number of runtimes.
 */
public final class OtelChannelMetrics implements ChannelMetrics {
    private final LongUpDownCounter open;
    private final LongCounter accepted;
    private final LongCounter refused;
    private final CopyOnWriteArrayList<Conduit> runtimes = new CopyOnWriteArrayList<>();
    /** Final totals of closed runtimes, per transport; guarded by itself. */
    private final Map<String, long[]> retired = new TreeMap<>();

    private final Map<String, Attributes> attributes = new ConcurrentHashMap<>();

    public OtelChannelMetrics(Meter meter) {
        open = meter.upDownCounterBuilder("conduit.channels.open")
                .setUnit("{channel}")
                .setDescription("Channels open now")
                .build();
        accepted = meter.counterBuilder("conduit.listener.accepted")
                .setUnit("{channel}")
                .setDescription("Connections a listener took in")
                .build();
        refused = meter.counterBuilder("conduit.listener.refused")
                .setUnit("{channel}")
                .setDescription("Connections a listener turned away (closing, or its accept queue full)")
                .build();
        ObservableLongMeasurement sentBytes = meter.counterBuilder("conduit.channel.sent.bytes")
                .setUnit("By")
                .setDescription("Bytes of the messages channels sent")
                .buildObserver();
        ObservableLongMeasurement sentMessages = meter.counterBuilder("conduit.channel.sent.messages")
                .setUnit("{message}")
                .setDescription("Messages channels sent")
                .buildObserver();
        ObservableLongMeasurement receivedBytes = meter.counterBuilder("conduit.channel.received.bytes")
                .setUnit("By")
                .setDescription("Bytes of the messages channels received")
                .buildObserver();
        ObservableLongMeasurement receivedMessages = meter.counterBuilder("conduit.channel.received.messages")
                .setUnit("{message}")
                .setDescription("Messages channels received")
                .buildObserver();
        ObservableLongMeasurement pending = meter.gaugeBuilder("conduit.channel.pending.bytes")
                .ofLongs()
                .setUnit("By")
                .setDescription("Bytes sent but not yet written by the transport, over the open channels")
                .buildObserver();
        meter.batchCallback(
                () -> {
                    for (Map.Entry<String, long[]> e : totals().entrySet()) {
                        Attributes a = attributes(e.getKey());
                        long[] t = e.getValue();
                        sentBytes.record(t[0], a);
                        sentMessages.record(t[1], a);
                        receivedBytes.record(t[2], a);
                        receivedMessages.record(t[3], a);
                        pending.record(t[4], a);
                    }
                },
                sentBytes,
                sentMessages,
                receivedBytes,
                receivedMessages,
                pending);
    }

    /** Per transport: sent bytes, sent messages, received bytes, received messages, pending bytes. */
    private Map<String, long[]> totals() {
        Map<String, long[]> sums = new TreeMap<>();
        // One guard with runtimeClosed: a runtime's totals are counted once, live or retired, never twice or not at
        // all.
        synchronized (retired) {
            retired.forEach((k, v) -> sums.put(k, v.clone()));
            for (Conduit runtime : runtimes) {
                for (ChannelTraffic t : runtime.traffic()) {
                    add(sums, t);
                }
            }
        }
        return sums;
    }

    private static void add(Map<String, long[]> sums, ChannelTraffic t) {
        long[] s = sums.computeIfAbsent(t.transport(), k -> new long[5]);
        s[0] += t.sentBytes();
        s[1] += t.sentMessages();
        s[2] += t.receivedBytes();
        s[3] += t.receivedMessages();
        s[4] += t.pendingBytes();
    }

    private Attributes attributes(String transport) {
        return attributes.computeIfAbsent(transport, t -> Attributes.of(RpcInstruments.TRANSPORT, t));
    }

    @Override
    public void runtimeStarted(Conduit runtime) {
        runtimes.add(runtime);
    }

    @Override
    public void runtimeClosed(Conduit runtime) {
        synchronized (retired) {
            if (!runtimes.remove(runtime)) {
                return;
            }
            for (ChannelTraffic t : runtime.traffic()) {
                add(
                        retired,
                        new ChannelTraffic(
                                t.transport(),
                                t.sentBytes(),
                                t.sentMessages(),
                                t.receivedBytes(),
                                t.receivedMessages(),
                                0));
            }
        }
    }

    @Override
    public void channelOpened(String transport) {
        open.add(1, attributes(transport));
    }

    @Override
    public void channelClosed(String transport) {
        open.add(-1, attributes(transport));
    }

    @Override
    public void listenerAccepted(String transport) {
        accepted.add(1, attributes(transport));
    }

    @Override
    public void listenerRefused(String transport) {
        refused.add(1, attributes(transport));
    }
}
