package dev.conduit.rpc.internal.dns;

import dev.conduit.core.RuntimeScheduler;
import dev.conduit.rpc.Status;
import dev.conduit.rpc.resolver.NameResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a {@link DnsTarget} into one endpoint per A and AAAA record. The system's resolver is {@link InetAddress}
 * (as in grpc-java); a named server is queried with the JDK's own DNS client (JNDI's {@code dns:} provider, which
 * grpc-java also uses for its SRV and TXT lookups): no dependency, and it takes a server and port.
 *
 * <p>Lookups block, so they run on the runtime's executor, one at a time: a refresh asked for during a lookup runs
 * once after it. Listener calls therefore never overlap.
 */
final class DnsNameResolver extends NameResolver {
    private static final Logger log = LoggerFactory.getLogger(DnsNameResolver.class);

    private final DnsTarget target;
    private final RuntimeScheduler scheduler;
    /** 0: idle; 1: a lookup runs; 2: a lookup runs and another is wanted after it. */
    private final AtomicInteger runs = new AtomicInteger();

    private volatile @Nullable Listener listener;
    private volatile boolean closed;

    DnsNameResolver(DnsTarget target, RuntimeScheduler scheduler) {
        this.target = target;
        this.scheduler = scheduler;
    }

    @Override
    public void start(Listener l) {
        this.listener = l;
        refresh();
    }

    @Override
    public void refresh() {
        if (closed || runs.getAndUpdate(r -> Math.min(2, r + 1)) > 0) {
            return;
        }
        try {
            scheduler.executor().execute(this::run);
        } catch (RejectedExecutionException e) {
            runs.set(0); // the runtime is closing: nothing more to resolve for
        }
    }

    private void run() {
        do {
            Listener l = listener;
            if (closed || l == null) {
                runs.set(0);
                return;
            }
            try {
                List<String> endpoints = lookup().stream().map(target::endpoint).toList();
                if (endpoints.isEmpty()) {
                    l.onError(Status.UNAVAILABLE.withDescription(
                            "DNS has no A or AAAA record for " + target.host() + " (" + target.text() + ")"));
                } else if (!closed) {
                    l.onResult(endpoints);
                }
            } catch (NamingException | UnknownHostException e) {
                log.debug("resolving {} failed", target.text(), e);
                if (!closed) {
                    l.onError(Status.UNAVAILABLE
                            .withDescription("cannot resolve " + target.text() + ": " + why(e))
                            .withCause(e));
                }
            }
        } while (runs.decrementAndGet() > 0);
    }

    private List<String> lookup() throws NamingException, UnknownHostException {
        List<String> found = new ArrayList<>();
        if (target.server() == null) {
            for (InetAddress a : InetAddress.getAllByName(target.host())) {
                found.add(a.getHostAddress());
            }
            return found;
        }
        Hashtable<String, String> env = new Hashtable<>();
        env.put(DirContext.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        env.put(DirContext.PROVIDER_URL, "dns://" + target.server());
        env.put("com.sun.jndi.dns.timeout.initial", "1000");
        env.put("com.sun.jndi.dns.timeout.retries", "2");
        DirContext ctx = new InitialDirContext(env);
        try {
            Attributes records = ctx.getAttributes(target.host(), new String[] {"A", "AAAA"});
            for (String type : List.of("A", "AAAA")) {
                Attribute values = records.get(type);
                if (values == null) {
                    continue;
                }
                NamingEnumeration<?> all = values.getAll();
                while (all.hasMore()) {
                    // An IPv6 address comes as text too; InetAddress normalises it (no lookup: it is a literal).
                    found.add(InetAddress.getByName(String.valueOf(all.next())).getHostAddress());
                }
            }
        } finally {
            ctx.close();
        }
        return found;
    }

    private String why(Exception e) {
        if (e instanceof NameNotFoundException || e instanceof UnknownHostException) {
            return "no such name " + target.host();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }

    @Override
    public void close() {
        closed = true;
    }
}
