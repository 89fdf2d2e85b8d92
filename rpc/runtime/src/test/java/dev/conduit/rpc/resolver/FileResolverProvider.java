package dev.conduit.rpc.resolver;

import dev.conduit.rpc.Status;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A user's resolver, registered through {@code META-INF/services} in the test resources: {@code endpoints:///abs/file}
 * stands for the endpoint URIs listed in that file, one a line, read again on every refresh; each refresh adds a line
 * to {@code file.refreshes}, so a test sees how often the channel asked. (A registry as simple as can be; what it
 * proves is that the channel finds and drives a resolver it does not know.)
 */
public final class FileResolverProvider extends NameResolverProvider {

    @Override
    public String scheme() {
        return "endpoints";
    }

    @Override
    public NameResolver newResolver(URI target, Args args) {
        Path file = Path.of(target.getPath());
        return new NameResolver() {
            private Listener listener;

            @Override
            public void start(Listener l) {
                listener = l;
                refresh();
            }

            @Override
            public void refresh() {
                args.scheduler().executor().execute(() -> {
                    try {
                        Files.writeString(
                                Path.of(file + ".refreshes"),
                                "refresh\n",
                                StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND);
                        listener.onResult(Files.readAllLines(file).stream()
                                .filter(s -> !s.isBlank())
                                .toList());
                    } catch (IOException e) {
                        listener.onError(Status.UNAVAILABLE.withDescription("cannot read " + file + ": " + e));
                    }
                });
            }

            @Override
            public void close() {}
        };
    }
}
