package dev.conduit.core.internal;

import dev.conduit.core.Attributes;
import dev.conduit.core.ChannelOptions;
import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Framing;
import dev.conduit.core.Idle;
import dev.conduit.core.Option;
import dev.conduit.core.TransportNotFoundException;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.Transport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The transports found on the classpath, by scheme; resolves an endpoint to its transport and settings. */
public final class TransportRegistry {
    private static final Logger log = LoggerFactory.getLogger(TransportRegistry.class);

    /** Where the schemes of Conduit's own modules live, for the "add this module" message. */
    private static final Map<String, String> KNOWN_MODULES = Map.of(
            "tcp", "dev.conduit:conduit-transport-socket",
            "tcps", "dev.conduit:conduit-transport-socket",
            "udp", "dev.conduit:conduit-transport-socket",
            "unix", "dev.conduit:conduit-ipc",
            "shm", "dev.conduit:conduit-ipc",
            "pipe", "dev.conduit:conduit-ipc",
            "fifo", "dev.conduit:conduit-ipc",
            "queue", "dev.conduit:conduit-ipc");

    /** How the schemes of {@link #KNOWN_MODULES} are written when their transport is absent (as docs write them). */
    private static final Map<String, String> KNOWN_PREFIXES = Map.of("pipe", "pipe:");

    private final Map<String, Transport> bySchemes;

    private TransportRegistry(Map<String, Transport> bySchemes) {
        this.bySchemes = Collections.unmodifiableMap(bySchemes);
    }

    /** The transports visible to {@code loader} through {@link ServiceLoader}. */
    public static TransportRegistry load(ClassLoader loader) {
        Map<String, Transport> map = new TreeMap<>();
        for (Transport t : ServiceLoader.load(Transport.class, loader)) {
            for (String scheme : t.schemes()) {
                Transport previous = map.putIfAbsent(scheme, t);
                if (previous != null && previous.getClass() != t.getClass()) {
                    log.warn("{}:// is served by both {} and {}; using the first", scheme, previous, t);
                }
            }
        }
        return new TransportRegistry(map);
    }

    /** The schemes served, sorted. */
    public List<String> schemes() {
        return new ArrayList<>(bySchemes.keySet());
    }

    /** An endpoint resolved against its transport: validated options and the settings they give. */
    public record Resolved(Transport transport, LinkConfig config, ChannelSettings settings) {}

    /** Like {@link #resolve(Endpoint, Attributes)}, without a runtime's attributes. */
    public Resolved resolve(Endpoint endpoint) {
        return resolve(endpoint, Attributes.empty());
    }

    /**
     * Finds the endpoint's transport and validates its options; the settings carry the endpoint's attributes over
     * {@code runtimeAttributes}.
     *
     * @throws TransportNotFoundException naming the module to add
     * @throws EndpointException for unknown or invalid options
     */
    public Resolved resolve(Endpoint endpoint, Attributes runtimeAttributes) {
        String scheme = endpoint.scheme();
        Transport transport = bySchemes.get(scheme);
        if (transport == null) {
            String module = KNOWN_MODULES.get(scheme);
            String message = module != null
                    ? KNOWN_PREFIXES.getOrDefault(scheme, scheme + "://") + " needs " + module + " on the classpath"
                    : "no transport serves " + scheme + "://; schemes available: "
                            + bySchemes.entrySet().stream()
                                    .map(e -> e.getValue().uriPrefix(e.getKey()))
                                    .collect(Collectors.joining(", "));
            throw new TransportNotFoundException(scheme, message);
        }
        List<Option<?>> known = new ArrayList<>(ChannelOptions.ALL);
        known.addAll(transport.options(scheme));
        endpoint.validate(known);
        String prefix = transport.uriPrefix(scheme);
        Framing framing = pick(endpoint, prefix, ChannelOptions.FRAMING, transport.framings(scheme));
        Idle idle = pick(endpoint, prefix, ChannelOptions.IDLE, transport.idles(scheme));
        LinkConfig config = new LinkConfig(
                framing,
                endpoint.get(ChannelOptions.MAX_FRAME),
                idle,
                endpoint.get(ChannelOptions.CONNECT_TIMEOUT),
                endpoint.attributes().over(runtimeAttributes));
        return new Resolved(transport, config, ChannelSettings.of(endpoint, idle, framing));
    }

    private static <E extends Enum<E>> E pick(Endpoint endpoint, String prefix, Option<E> option, List<E> supported) {
        E value = endpoint.find(option).orElse(supported.get(0));
        if (!supported.contains(value)) {
            String names = supported.stream().map(e -> option.format(e)).collect(Collectors.joining(", "));
            throw new EndpointException(option.name() + "=" + option.format(value) + " is not supported by " + prefix
                    + "; supported: " + names);
        }
        return value;
    }
}
