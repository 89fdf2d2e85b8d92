package dev.conduit.transport.netty;

import dev.conduit.core.Endpoint;
import dev.conduit.core.Framing;
import dev.conduit.core.spi.Binding;
import dev.conduit.core.spi.LinkBinder;
import dev.conduit.core.spi.LinkConfig;
import dev.conduit.core.spi.StreamFramer;
import dev.conduit.core.spi.Transport;
import dev.conduit.core.spi.TransportContext;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test transport, {@code embedded://NAME}: each connect puts a {@link NettyLink} on a Netty {@link EmbeddedChannel},
 * so a test writes the peer's bytes by hand and reads what the channel sent, through the runtime's whole receive path.
 * Found only through {@link #loader}, never by the ServiceLoader of other tests. Thread-safe.
 */
public final class EmbeddedTransport implements Transport {
    /** The wires of the channels connected so far, by endpoint name; a test takes its own and closes them. */
    static final Map<String, EmbeddedChannel> WIRES = new ConcurrentHashMap<>();

    /** A class loader under which a runtime finds this transport beside the classpath's own. */
    static ClassLoader loader() {
        ClassLoader parent = EmbeddedTransport.class.getClassLoader();
        return new ClassLoader(parent) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                if (!name.equals("META-INF/services/" + Transport.class.getName())) {
                    return super.getResources(name);
                }
                URL entry = parent.getResource("embedded-transport/" + Transport.class.getName());
                List<URL> urls = new ArrayList<>(Collections.list(super.getResources(name)));
                urls.add(Objects.requireNonNull(entry, "embedded-transport service entry missing"));
                return Collections.enumeration(urls);
            }
        };
    }

    @Override
    public Set<String> schemes() {
        return Set.of("embedded");
    }

    @Override
    public List<Framing> framings(String scheme) {
        return List.of(Framing.LENGTH, Framing.LINE);
    }

    @Override
    public CompletableFuture<Void> connect(
            Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        NettyLink link = new NettyLink(
                StreamFramer.of(config.framing(), config.maxFrame()),
                binder,
                new NettyLink.Naming() {
                    @Override
                    public Endpoint local(Channel ch) {
                        return Endpoint.parse("embedded://local");
                    }

                    @Override
                    public Endpoint remote(Channel ch) {
                        return endpoint;
                    }
                },
                NettyLink.Properties.NONE);
        WIRES.put(endpoint.address(), new EmbeddedChannel(link));
        return link.activeFuture();
    }

    @Override
    public Binding listen(Endpoint endpoint, LinkConfig config, TransportContext context, LinkBinder binder) {
        throw new UnsupportedOperationException("embedded:// only connects");
    }
}
