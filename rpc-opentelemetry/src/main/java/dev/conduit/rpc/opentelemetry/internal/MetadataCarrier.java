package dev.conduit.rpc.opentelemetry.internal;

import dev.conduit.rpc.Metadata;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import org.jspecify.annotations.Nullable;

/** Reads and writes propagation headers ({@code traceparent}, {@code tracestate}, baggage) in call metadata. */
enum MetadataCarrier implements TextMapGetter<Metadata>, TextMapSetter<Metadata> {
    INSTANCE;

    @Override
    public Iterable<String> keys(Metadata carrier) {
        return carrier.keys();
    }

    @Override
    public @Nullable String get(@Nullable Metadata carrier, String key) {
        return carrier == null ? null : carrier.get(key);
    }

    @Override
    public void set(@Nullable Metadata carrier, String key, String value) {
        if (carrier != null) {
            carrier.put(key, value);
        }
    }
}
