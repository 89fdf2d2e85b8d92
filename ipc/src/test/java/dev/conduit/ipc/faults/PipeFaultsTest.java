package dev.conduit.ipc.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.ipc.Pipes;
import dev.conduit.ipc.testing.ChildJvm;
import dev.conduit.ipc.testing.Launch;
import dev.conduit.ipc.testing.PipeParentMain;
import dev.conduit.ipc.testing.Processes;
import dev.conduit.ipc.testing.StdioChildMain;
import dev.conduit.ipc.testing.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A pipe peer SIGKILLed mid-stream: the child, or the parent (the child must not be left orphaned). */
class PipeFaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /**
     * How soon a SIGKILL must be noticed: the kernel closes the dead process's ends at once, so in practice it takes
     * milliseconds; this leaves room for a loaded 2-core machine and is still far below any timeout or keepalive.
     */
    private static final Duration NOTICE = Duration.ofSeconds(5);

    private Path dir;
    private Conduit conduit;

    @BeforeEach
    void setUp() {
        dir = TempDirs.create();
        conduit = Conduit.builder().name("pipefaults").build();
    }

    @AfterEach
    void tearDown() {
        conduit.close();
        TempDirs.delete(dir);
    }

    @Test
    void aChildKilledMidStreamClosesTheChannelWithinFiveSecondsWithItsExitCode() throws Exception {
        Channel<String> child = Pipes.spawn(
                conduit, new ProcessBuilder(ChildJvm.command(List.of(), StdioChildMain.class)), Codecs.text());
        ProcessHandle process = child.property(Pipes.PROCESS).orElseThrow();
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            try {
                for (long i = 0; child.isOpen(); i++) {
                    if (child.isWritable() || child.awaitWritable(Duration.ofSeconds(1))) {
                        child.send("m" + i);
                    }
                }
            } catch (RuntimeException | InterruptedException e) {
                // the channel closed under the sender
            }
        });
        for (int i = 0; i < 100; i++) {
            assertThat(child.receive(WAIT)).startsWith("echo:m");
        }
        process.destroyForcibly();
        CloseReason reason = child.closeFuture().get(NOTICE.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.PEER);
        assertThat(reason.detail()).isEqualTo("child process " + process.pid() + " exited with code 137");
        sender.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(Processes.exists(process.pid()))
                .as("the killed child, or its zombie")
                .isFalse();
    }

    @Test
    void aParentKilledMidStreamLeavesNoOrphan() throws Exception {
        Path reasonFile = dir.resolve("reason");
        Launch.Started parent = Launch.start(PipeParentMain.class, reasonFile.toString());
        assertThat(parent.firstLine()).startsWith("child ");
        long childPid = Long.parseLong(parent.firstLine().substring("child ".length()));
        assertThat(Processes.exists(childPid)).isTrue();

        parent.process().destroyForcibly();
        parent.process().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
        await().atMost(NOTICE).until(() -> Files.exists(reasonFile));
        assertThat(Files.readString(reasonFile)).isEqualTo("closed by peer");
        await().atMost(WAIT).until(() -> !Processes.exists(childPid));
        assertThat(Processes.exists(parent.process().pid())).isFalse();
    }
}
