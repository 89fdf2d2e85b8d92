package dev.conduit.rpc.internal.dns;

import dev.conduit.rpc.resolver.NameResolver;
import dev.conduit.rpc.resolver.NameResolverProvider;
import java.net.URI;

/** The built-in {@code dns:} scheme: {@code dns:///host:port}, or {@code dns://server:port/host:port}. */
public final class DnsResolverProvider extends NameResolverProvider {

    @Override
    public String scheme() {
        return "dns";
    }

    @Override
    public NameResolver newResolver(URI target, Args args) {
        return new DnsNameResolver(DnsTarget.parse(target), args.scheduler());
    }
}
