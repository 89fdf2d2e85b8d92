package dev.conduit.ipc.unix.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Endpoint;
import dev.conduit.core.testkit.ChannelConformanceSuite;
import dev.conduit.core.testkit.Peer;
import dev.conduit.core.testkit.PeerProcess;
import dev.conduit.ipc.testing.TempDirs;
import dev.conduit.transport.netty.NettyEngine;
import dev.conduit.transport.netty.testkit.NativeEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/**
 * The conformance suite over {@code unix://}, with the agent in a child JVM, on each engine Linux offers: epoll, NIO,
 * and io_uring where the kernel allows it.
 */
class UnixConformanceTest {
    private static final Path DIR = TempDirs.create();
    private static final AtomicInteger NAMES = new AtomicInteger();

    @AfterAll
    static void removeDir() {
        TempDirs.delete(DIR);
    }

    abstract static class OnEngine extends ChannelConformanceSuite {
        abstract String io();

        @Override
        protected String listenUri() {
            return "unix://" + DIR.resolve(io() + NAMES.incrementAndGet() + ".sock") + "?io=" + io();
        }

        @Override
        protected String unboundUri() {
            return "unix://" + DIR.resolve("nobody-" + io() + ".sock") + "?io=" + io();
        }

        @Override
        protected Peer startPeer(String listenUri) {
            return PeerProcess.start(listenUri);
        }

        @Override
        protected void assertListenerCleanedUp(Endpoint endpoint) {
            assertThat(Files.exists(Path.of(endpoint.address())))
                    .as("socket file %s after the listener closed", endpoint.address())
                    .isFalse();
        }
    }

    @Nested
    class Epoll extends OnEngine {
        @Override
        String io() {
            return "epoll";
        }
    }

    @Nested
    class IoUring extends OnEngine {
        /**
         * Runs first (the suite's setup starts the shared peer): without io_uring the whole class is skipped, or
         * fails where the build requires native engines ({@link NativeEngines}).
         */
        @Override
        protected Peer startPeer(String listenUri) {
            NativeEngines.assumeAvailable(NettyEngine.IO_URING);
            return super.startPeer(listenUri);
        }

        @Override
        String io() {
            return "io_uring";
        }
    }

    @Nested
    class Nio extends OnEngine {
        @Override
        String io() {
            return "nio";
        }
    }
}
