package dev.conduit.ipc.pipe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Endpoint;
import dev.conduit.core.EndpointException;
import dev.conduit.core.FrameTooLargeException;
import dev.conduit.ipc.PipeOptions;
import dev.conduit.ipc.Pipes;
import dev.conduit.ipc.testing.CapturedStderr;
import dev.conduit.ipc.testing.Processes;
import dev.conduit.ipc.testing.Scripts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The parent side of {@code pipe:}, against a Python child that speaks length-prefixed frames on its stdio. */
class PipeTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private Conduit conduit;

    @BeforeEach
    void setUp() {
        conduit = Conduit.builder().name("pipetest").build();
    }

    @AfterEach
    void tearDown() {
        conduit.close();
    }

    private static String python(String... flags) {
        return Endpoint.parse("pipe:")
                .with(PipeOptions.CMD, "python3 " + Scripts.framesPeer() + " " + String.join(" ", flags))
                .toString();
    }

    private static String ask(Channel<String> ch, String request) throws InterruptedException {
        ch.send(request);
        String reply = ch.receive(WAIT);
        assertThat(reply).as("reply to %s", request).isNotNull();
        return reply;
    }

    private static long pid(Channel<?> ch) {
        return ch.property(Pipes.PROCESS).orElseThrow().pid();
    }

    @Test
    void errorsSpellTheSchemePipeColonAsTheDocsDo() {
        assertThatThrownBy(() -> conduit.connect("gopher://x", Codecs.text()))
                .hasMessageContaining("pipe:, ")
                .hasMessageNotContaining("pipe://");
        assertThatThrownBy(() -> conduit.connect("pipe:?cmd=true&framing=none", Codecs.text()))
                .hasMessageContaining("not supported by pipe:;");
        assertThatThrownBy(() -> conduit.connect("pipe:?cmnd=true", Codecs.text()))
                .hasMessageContaining("; pipe: accepts ");
    }

    @Test
    void aPythonChildSpeakingLengthPrefixedFramesIsAPeer() throws Exception {
        Channel<String> child = conduit.connect(python(), Codecs.text());
        assertThat(ask(child, "hello")).isEqualTo("hello");
        assertThat(ask(child, "upper world")).isEqualTo("WORLD");
        assertThat(ask(child, "wörld ✓")).isEqualTo("wörld ✓");
        assertThat(ask(child, "big 300000")).hasSize(300_000).matches("z+");
        for (int i = 0; i < 1000; i++) {
            child.send("m" + i);
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(child.receive(WAIT)).isEqualTo("m" + i);
        }
        assertThat(child.remoteEndpoint().toString()).isEqualTo("pipe:pid:" + pid(child));
    }

    @Test
    void theChildsStderrIsLoggedLineByLineAndNeverMixedIntoMessages() throws Exception {
        try (CapturedStderr log = new CapturedStderr()) {
            Channel<String> child = conduit.connect(python(), Codecs.text());
            assertThat(ask(child, "err a diagnostic line")).isEqualTo("logged");
            assertThat(ask(child, "after")).isEqualTo("after");
            long pid = pid(child);
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(log.text())
                            .contains("[python3 pid " + pid + "] frames_peer.py started")
                            .contains("[python3 pid " + pid + "] a diagnostic line"));
        }
    }

    @Test
    void theChildsExitClosesTheChannelWithTheExitCodeAsReason() throws Exception {
        Channel<String> child = conduit.connect(python(), Codecs.text());
        long pid = pid(child);
        assertThat(ask(child, "exit 7")).isEqualTo("bye");
        CloseReason reason = child.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.PEER);
        assertThat(reason.detail()).isEqualTo("child process " + pid + " exited with code 7");
        await().atMost(WAIT).until(() -> !Processes.exists(pid));
    }

    @Test
    void closingTheChannelClosesTheChildsStdinAndTheChildExitsOnItsOwn() throws Exception {
        Channel<String> child = conduit.connect(python(), Codecs.text());
        ProcessHandle process = child.property(Pipes.PROCESS).orElseThrow();
        assertThat(ask(child, "hi")).isEqualTo("hi");
        child.close();
        assertThat(child.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(CloseReason.LOCAL);
        assertThat(process.isAlive()).isFalse();
        await().atMost(WAIT).until(() -> !Processes.exists(process.pid()));
    }

    @Test
    void aChildThatIgnoresEndOfInputAndSigtermIsKilledAfterTheExitTimeout() throws Exception {
        try (CapturedStderr log = new CapturedStderr()) {
            String uri = python("--ignore-eof", "--ignore-term") + "&exitTimeout=300ms";
            Channel<String> child = conduit.connect(uri, Codecs.text());
            ProcessHandle process = child.property(Pipes.PROCESS).orElseThrow();
            assertThat(ask(child, "still here")).isEqualTo("still here");
            long t0 = System.nanoTime();
            child.close();
            assertThat(child.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo(CloseReason.LOCAL);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(process.isAlive()).isFalse();
            assertThat(log.text())
                    .contains("child process " + process.pid() + " did not exit within 300 ms")
                    .contains("child process " + process.pid() + " ignored SIGTERM; killing it");
        }
    }

    @Test
    void closingTheRuntimeDuringCallsLeavesNoChildAndNoZombie() throws Exception {
        Conduit runtime = Conduit.builder().name("pipeclose").build();
        long[] pids = new long[3];
        Thread[] callers = new Thread[pids.length];
        try {
            for (int i = 0; i < pids.length; i++) {
                Channel<String> child = runtime.connect(python(), Codecs.text());
                pids[i] = pid(child);
                assertThat(ask(child, "ready")).isEqualTo("ready");
                callers[i] = new Thread(() -> {
                    try {
                        while (child.isOpen()) {
                            child.send("busy");
                            child.receive(Duration.ofSeconds(1));
                        }
                    } catch (RuntimeException | InterruptedException e) {
                        // the channel closed under the call, as intended
                    }
                });
                callers[i].start();
            }
        } finally {
            runtime.close();
        }
        for (int i = 0; i < pids.length; i++) {
            callers[i].join(WAIT.toMillis());
            assertThat(callers[i].isAlive()).isFalse();
            long pid = pids[i];
            await().atMost(WAIT).until(() -> !Processes.exists(pid));
        }
    }

    @Test
    void aFrameFromTheChildOverMaxFrameClosesTheChannelNamingLimitAndSize() throws Exception {
        Channel<String> child = conduit.connect(python() + "&maxFrame=1000", Codecs.text());
        long pid = pid(child);
        child.send("big 5000");
        CloseReason reason = child.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
        assertThat(reason.error())
                .isInstanceOf(FrameTooLargeException.class)
                .hasMessageContaining("5000")
                .hasMessageContaining("1000");
        await().atMost(WAIT).until(() -> !Processes.exists(pid));
    }

    @Test
    void aProcessBuilderKeepsItsEnvironmentAndDirectory() throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder("python3", Scripts.framesPeer().toString());
        builder.environment().put("CONDUIT_TEST_VALUE", "forty-two");
        builder.directory(Path.of("/tmp").toFile());
        Channel<String> child = Pipes.spawn(conduit, builder, Codecs.text());
        assertThat(ask(child, "env CONDUIT_TEST_VALUE")).isEqualTo("forty-two");
        assertThat(ask(child, "cwd")).isEqualTo("/tmp");
    }

    @Test
    void aProcessBuilderAttachedToTheEndpointIsSpawnedWithoutARegistry() throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder("python3", Scripts.framesPeer().toString());
        builder.environment().put("CONDUIT_TEST_VALUE", "attached");
        Channel<String> child =
                conduit.connect(Endpoint.parse("pipe:").with(PipeOptions.PROCESS, builder), Codecs.text());
        assertThat(ask(child, "env CONDUIT_TEST_VALUE")).isEqualTo("attached");

        Endpoint both = Endpoint.parse("pipe:?cmd=cat").with(PipeOptions.PROCESS, new ProcessBuilder("cat"));
        assertThatThrownBy(() -> conduit.connect(both, Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("expected one of them");
        assertThatThrownBy(() -> conduit.connect("pipe:?spawn=1-abc", Codecs.text()))
                .as("the handle of the JVM-wide map is gone")
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("unknown option 'spawn'");
    }

    @Test
    void lineFramingTalksToPlainUnixTools() throws Exception {
        Channel<String> cat = conduit.connect("pipe:?cmd=cat&framing=line", Codecs.text());
        assertThat(ask(cat, "one line")).isEqualTo("one line");
        assertThat(ask(cat, "another")).isEqualTo("another");
        cat.close();
        assertThat(cat.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(CloseReason.LOCAL);
    }

    @Test
    void endpointsThatCannotSpawnFailSayingWhy() {
        assertThatThrownBy(() -> conduit.connect("pipe:?cmd=/nonexistent/conduit-no-such-program", Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("cannot start /nonexistent/conduit-no-such-program");
        assertThatThrownBy(() -> conduit.connect("pipe:", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("needs a command to spawn");
        assertThatThrownBy(() -> conduit.connect("pipe:?cmd=python3%20'unterminated", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("unterminated");
        ProcessBuilder merged = new ProcessBuilder("cat").redirectErrorStream(true);
        assertThatThrownBy(() -> Pipes.spawn(conduit, merged, Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("redirectErrorStream");
        ProcessBuilder redirected = new ProcessBuilder("cat").redirectOutput(ProcessBuilder.Redirect.DISCARD);
        assertThatThrownBy(() -> Pipes.spawn(conduit, redirected, Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("Redirect.PIPE");
    }
}
