package dev.conduit.ipc.pipe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.ipc.Pipes;
import dev.conduit.ipc.testing.CapturedStderr;
import dev.conduit.ipc.testing.ChildJvm;
import dev.conduit.ipc.testing.StdioChildMain;
import dev.conduit.ipc.testing.StdioRestoreChildMain;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The child side of {@code pipe:}, in a real child JVM: {@link Pipes#stdio} and its guard of System.out and in. */
class PipeStdioTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private Conduit conduit;

    @BeforeEach
    void setUp() {
        conduit = Conduit.builder().name("stdiotest").build();
    }

    @AfterEach
    void tearDown() {
        conduit.close();
    }

    @Test
    void strayPrintsGoToStderrAndSystemInYieldsNothingWhileTheChannelIsInUse() throws Exception {
        try (CapturedStderr log = new CapturedStderr()) {
            Channel<String> child = Pipes.spawn(
                    conduit, new ProcessBuilder(ChildJvm.command(List.of(), StdioChildMain.class)), Codecs.text());
            long pid = child.property(Pipes.PROCESS).orElseThrow().pid();
            for (int i = 0; i < 200; i++) {
                child.send("m" + i);
            }
            for (int i = 0; i < 200; i++) {
                assertThat(child.receive(WAIT)).isEqualTo("echo:m" + i);
            }
            child.send("exit");
            assertThat(child.receive(WAIT)).isEqualTo("bye");
            CloseReason reason = child.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(reason.detail()).isEqualTo("child process " + pid + " exited with code 0");
            String prefix = "pid " + pid + "] ";
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(log.text())
                            .contains(prefix + "stray print to System.out after the claim")
                            .contains(prefix + "handling m199")
                            .contains(prefix + "System.in read -1; channel open: false"));
        }
    }

    @Test
    void systemOutIsRestoredOnceTheListenerAndRuntimeAreClosed() throws Exception {
        try (CapturedStderr log = new CapturedStderr()) {
            Channel<String> child = Pipes.spawn(
                    conduit,
                    new ProcessBuilder(ChildJvm.command(List.of(), StdioRestoreChildMain.class)),
                    Codecs.text());
            long pid = child.property(Pipes.PROCESS).orElseThrow().pid();
            assertThat(child.receive(WAIT)).isEqualTo("redirected while open: true");
            child.send("close now");
            assertThat(child.closeFuture()
                            .get(WAIT.toSeconds(), TimeUnit.SECONDS)
                            .detail())
                    .isEqualTo("child process " + pid + " exited with code 0");
            await().atMost(WAIT)
                    .untilAsserted(() ->
                            assertThat(log.text()).contains("pid " + pid + "] System.out restored after close: true"));
        }
    }

    @Test
    void closingTheParentsChannelEndsTheJavaChildThroughItsStdio() throws Exception {
        Channel<String> child = Pipes.spawn(
                conduit, new ProcessBuilder(ChildJvm.command(List.of(), StdioChildMain.class)), Codecs.text());
        ProcessHandle process = child.property(Pipes.PROCESS).orElseThrow();
        child.send("hello");
        assertThat(child.receive(WAIT)).isEqualTo("echo:hello");
        child.close();
        assertThat(child.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(CloseReason.LOCAL);
        assertThat(process.onExit().get(WAIT.toSeconds(), TimeUnit.SECONDS).isAlive())
                .isFalse();
    }
}
