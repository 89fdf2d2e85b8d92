package dev.conduit.ipc.shm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.Listener;
import dev.conduit.ipc.testing.ChildOutput;
import dev.conduit.ipc.testing.ConnectProbeMain;
import dev.conduit.ipc.testing.Ids;
import dev.conduit.ipc.testing.Launch;
import dev.conduit.ipc.testing.OtherUid;
import dev.conduit.ipc.testing.ShmEchoListenerMain;
import dev.conduit.ipc.testing.TempDirs;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Another user on the host ({@link OtherUid}, uid 65534, in a process of its own) against shm names in a directory
 * everyone may write, as {@code /dev/shm} is: it can squat a listener's socket name or a client's segment names, and
 * connect where it may not. Each attempt fails in a way that names both users, and none takes anything over.
 */
class ShmOtherUserTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Path dir;
    private final Conduit conduit = Conduit.builder().name("owner").build();
    private final List<Process> children = new ArrayList<>();

    @BeforeEach
    void worldWritableDirectory() throws Exception {
        OtherUid.assumeAvailable();
        dir = TempDirs.create();
        Process chmod =
                new ProcessBuilder("chmod", "1777", dir.toString()).inheritIO().start();
        assertThat(chmod.waitFor(30, TimeUnit.SECONDS) && chmod.exitValue() == 0)
                .isTrue();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : children) {
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        conduit.close();
        if (dir != null) {
            TempDirs.delete(dir);
        }
    }

    @Test
    void aListenerWhoseNameAnotherUserSquatsFailsNamingThatUser() throws Exception {
        squatSocket("squat");
        assertThatThrownBy(() -> conduit.listen("shm://squat?dir=" + dir, Codecs.bytes()))
                .isInstanceOf(BindFailedException.class)
                .hasMessageContaining("another shm listener is live at " + dir.resolve("conduit-shm-squat.sock"))
                .hasMessageContaining("by uid " + OtherUid.UID + ", not this process's uid " + Ids.uid());
    }

    @Test
    void aClientRefusesASquattersSocketBeforeItSaysHello() throws Exception {
        Launch.Started squatter = squatSocket("lure");
        assertThatThrownBy(() -> conduit.connect("shm://lure?dir=" + dir + "&connectTimeout=5s", Codecs.bytes()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("runs as uid " + OtherUid.UID + ", not as this process's uid " + Ids.uid())
                .hasMessageContaining("refusing to connect");
        assertThat(ask(squatter, "count")).as("what the squatter learnt").isEqualTo("got 0 bytes");
    }

    @Test
    void segmentNamesTakenAheadOfAClientDoNotStopIt() throws Exception {
        Listener<byte[]> listener =
                conduit.listen("shm://seg?dir=" + dir, Codecs.bytes(), ch -> ch.onMessage(Channel::send));
        String pid = String.valueOf(ProcessHandle.current().pid());
        // The names a client of this pid would have used, had they been predictable (a counter from 1).
        Launch.Started squatter = start(SquatterMain.class, "segments", dir.toString(), "seg", pid, "10000");
        assertThat(squatter.firstLine()).isEqualTo("created 10000");
        try (Conduit other = Conduit.builder().name("segclient").build()) {
            for (int i = 0; i < 5; i++) {
                Channel<byte[]> ch = other.connect(listener.endpoint(), Codecs.bytes());
                ch.send(new byte[] {(byte) i});
                assertThat(ch.receive(TIMEOUT)).containsExactly(i);
                ch.close();
            }
        }
    }

    @Test
    void anotherUserConnectingToAnOwnerOnlyListenerIsToldPermissionDeniedAndWhoseSocketItIs() throws Exception {
        conduit.listen("shm://private?dir=" + dir, Codecs.text());
        List<String> out = ChildOutput.run(OtherUid.command(
                        List.of(), ConnectProbeMain.class, "shm://private?dir=" + dir + "&connectTimeout=5s"))
                .lines()
                .toList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0))
                .startsWith("failed: ")
                .contains("permission denied on the shm listener's socket " + dir.resolve("conduit-shm-private.sock"))
                .contains("owned by uid " + Ids.uid() + ", mode 0600; this process runs as uid " + OtherUid.UID);
    }

    @Test
    void aListenerOfAnotherUserRefusesThisClientNamingBothUids() throws Exception {
        String uri = "shm://theirs?dir=" + dir;
        Launch.Started listener = start(ShmEchoListenerMain.class, uri);
        assertThat(listener.firstLine()).startsWith("listening");
        assertThatThrownBy(() -> conduit.connect(uri + "&connectTimeout=5s", Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("runs as uid " + OtherUid.UID + ", not as this process's uid " + Ids.uid());
        assertThatThrownBy(() -> conduit.connect(uri + "&connectTimeout=5s&allowUids=" + OtherUid.UID, Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("the listener refused the connection: this listener runs as uid " + OtherUid.UID
                        + " and accepts uids [" + OtherUid.UID + "], not the client's uid " + Ids.uid());
    }

    private Launch.Started squatSocket(String name) {
        Launch.Started squatter = start(
                SquatterMain.class,
                "socket",
                dir.resolve("conduit-shm-" + name + ".sock").toString());
        assertThat(squatter.firstLine()).isEqualTo("listening");
        return squatter;
    }

    private Launch.Started start(Class<?> main, String... args) {
        Launch.Started started = OtherUid.start(main, args);
        children.add(started.process());
        return started;
    }

    private static String ask(Launch.Started child, String line) throws IOException {
        Writer in = new OutputStreamWriter(child.process().getOutputStream(), StandardCharsets.UTF_8);
        in.write(line + "\n");
        in.flush();
        return child.out().readLine();
    }
}
