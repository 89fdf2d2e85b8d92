package dev.conduit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.Conduit;
import dev.conduit.rpc.RpcChannel;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The forked server of {@link RpcTwoProcessBenchmark}: it answers, and a server that fails says why, bounded. */
class RpcPeerProcessTest {
    private RpcPeerProcess server;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void forkedServerEchoesOverUnixAndItsDirectoryIsGoneAfterClose() throws Exception {
        server = new RpcPeerProcess("unix", "spin");
        assertThat(server.uri()).startsWith("unix://").endsWith("?idle=spin");
        byte[] request = {1, 2, 3};
        try (Conduit conduit = Conduit.builder().name("peer-test").build();
                RpcChannel channel =
                        RpcChannel.builder(conduit).target(server.uri()).build()) {
            assertThat(RpcFixture.unary(channel, request)).containsExactly(1, 2, 3);
        }
        assertThat(server.cpuNanos()).isPositive();
        Path dir = Path.of(URI.create(server.uri()).getPath()).getParent();
        assertThat(dir).isDirectory();
        server.close();
        server = null;
        assertThat(dir).doesNotExist();
    }

    @Test
    void serverThatCannotStartFailsWithItsExitCodeAndStderr() {
        assertThatThrownBy(() -> new RpcPeerProcess("bogus", "default"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ended its output without printing its endpoint (exit code 1)")
                .hasMessageContaining("unknown transport bogus; expected shm, unix or tcp");
    }

    @Test
    void killedServerIsExplainedAsDiedWithItsExitCode() throws Exception {
        server = new RpcPeerProcess("tcp", "default");
        // The test JVM starts no other process: its one child is the server.
        List<ProcessHandle> children = ProcessHandle.current().children().toList();
        assertThat(children).hasSize(1);
        ProcessHandle child = children.get(0);
        RuntimeException cause = new RuntimeException("UNAVAILABLE");
        assertThat(server.explain(cause)).isSameAs(cause);

        child.destroyForcibly();
        child.onExit().get(10, TimeUnit.SECONDS);

        assertThat(server.explain(cause))
                .hasMessageContaining("died during the trial (exit code 137)")
                .hasCause(cause);
        assertThatThrownBy(server::cpuNanos).hasMessageContaining("died during the trial");
    }
}
