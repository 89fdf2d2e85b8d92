package dev.conduit.ipc.queue;

import dev.conduit.core.Endpoint;
import dev.conduit.core.testkit.QueueSemanticsSuite;
import dev.conduit.ipc.testing.TempDirs;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code queue://} keeps the promises every durable queue transport makes ({@link QueueSemanticsSuite}). */
class QueueSemanticsTest extends QueueSemanticsSuite {
    private final Path dir = TempDirs.create();
    private final AtomicInteger queues = new AtomicInteger();

    @Override
    protected void afterRuntimeClosed() {
        TempDirs.delete(dir);
    }

    @Override
    protected String newQueue() {
        return "queue://" + dir.resolve("q" + queues.incrementAndGet());
    }

    @Override
    protected long nextIndexOf(String queue, String reader) {
        Path path = Path.of(Endpoint.parse(queue).address());
        return Queues.readers(path).stream()
                .filter(r -> r.name().equals(reader))
                .findFirst()
                .orElseThrow()
                .nextIndex();
    }
}
