package dev.conduit.ipc.pipe.internal;

import dev.conduit.ipc.stream.internal.ByteSink;
import dev.conduit.ipc.stream.internal.ByteSource;
import dev.conduit.ipc.stream.internal.StreamEnds;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child's ends: this process's stdin and stdout, as file channels, because closing a file channel wakes a thread
 * blocked reading it (a plain {@code FileInputStream} would block until the parent wrote or exited).
 */
final class StdioEnds implements StreamEnds {
    private static final Logger log = LoggerFactory.getLogger(StdioEnds.class);

    private final FileChannel in;
    private final FileChannel out;
    private final ByteSource source;
    private final ByteSink sink;
    private final AtomicBoolean aborted = new AtomicBoolean();

    StdioEnds() {
        this.in = new FileInputStream(FileDescriptor.in).getChannel();
        this.out = new FileOutputStream(FileDescriptor.out).getChannel();
        this.source = ByteSource.of(in);
        this.sink = ByteSink.of(out);
    }

    @Override
    public ByteSource source() {
        return source;
    }

    @Override
    public ByteSink sink() {
        return sink;
    }

    /** Closes stdout (the parent sees end of stream) and stdin (the reader wakes). */
    @Override
    public void abort() {
        if (aborted.compareAndSet(false, true)) {
            closeQuietly(out, "stdout");
            closeQuietly(in, "stdin");
        }
    }

    private static void closeQuietly(FileChannel channel, String what) {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing {} failed", what, e);
        }
    }

    @Override
    public @Nullable String awaitEnd() {
        return null;
    }

    @Override
    public void release() {
        StdioGuard.release();
    }
}
