package dev.conduit.ipc.unix.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Listener;
import dev.conduit.ipc.testing.TempDirs;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a unix listener does with its socket file, and the limits of socket paths. */
class UnixSocketFileTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Path dir;
    private Conduit conduit;

    @BeforeEach
    void setUp() {
        dir = TempDirs.create();
        conduit = Conduit.builder().name("unixfile").build();
    }

    @AfterEach
    void tearDown() {
        conduit.close();
        TempDirs.delete(dir);
    }

    private static int permissions(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0777;
    }

    private void roundTrip(String uri) throws Exception {
        try (Channel<String> client = conduit.connect(uri, Codecs.text())) {
            client.send("ping");
            assertThat(client.receive(WAIT)).isEqualTo("ping");
        }
    }

    private Listener<String> echo(String uri) {
        return conduit.listen(uri, Codecs.text(), ch -> ch.onMessage(Channel::send));
    }

    @Test
    void theSocketFileIsOwnerOnlyByDefaultAndTheModeOptionWidensIt() throws Exception {
        Path a = dir.resolve("a.sock");
        Path b = dir.resolve("b.sock");
        echo("unix://" + a);
        echo("unix://" + b + "?mode=0660");
        assertThat(Integer.toOctalString(permissions(a))).isEqualTo("600");
        assertThat(Integer.toOctalString(permissions(b))).isEqualTo("660");
        roundTrip("unix://" + a);
        assertThat(TempDirs.list(dir)).as("no private bind directory left").containsExactly("a.sock", "b.sock");
    }

    @Test
    void aStaleSocketFileLeftByADeadListenerIsReplaced() throws Exception {
        Path path = dir.resolve("stale.sock");
        // A listener that went away without removing its file: the JDK leaves the file behind on close.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(path));
        }
        assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).isTrue();
        echo("unix://" + path);
        roundTrip("unix://" + path);
    }

    @Test
    void aPathWhereAListenerIsAliveIsRefusedAndTheLiveListenerKeepsWorking() throws Exception {
        String uri = "unix://" + dir.resolve("live.sock");
        echo(uri);
        try (Conduit other = Conduit.builder().name("second").build()) {
            assertThatThrownBy(() -> other.listen(uri, Codecs.text()))
                    .isInstanceOf(BindFailedException.class)
                    .hasMessageContaining("live.sock")
                    .hasMessageContaining("already accepting");
        }
        roundTrip(uri);
    }

    @Test
    void aPathThatIsNotASocketIsNeverDeleted() throws Exception {
        Path file = dir.resolve("data.sock");
        Files.writeString(file, "precious");
        Path subdir = Files.createDirectory(dir.resolve("dir.sock"));
        for (Path p : new Path[] {file, subdir}) {
            assertThatThrownBy(() -> echo("unix://" + p))
                    .isInstanceOf(BindFailedException.class)
                    .hasMessageContaining("is not a socket");
        }
        assertThat(Files.readString(file)).isEqualTo("precious");
        assertThat(Files.isDirectory(subdir)).isTrue();
    }

    @Test
    void theSocketFileIsRemovedWhenTheListenerClosesAndTheSamePathCanBeListenedOnAgain() throws Exception {
        Path path = dir.resolve("again.sock");
        for (int round = 0; round < 3; round++) {
            Listener<String> listener = echo("unix://" + path);
            roundTrip("unix://" + path);
            listener.close();
            assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).isFalse();
        }
    }

    @Test
    void closingAListenerDoesNotRemoveAFileThatReplacedItsSocket() throws Exception {
        Path path = dir.resolve("replaced.sock");
        Listener<String> listener = echo("unix://" + path);
        Files.delete(path);
        Files.writeString(path, "someone else's");
        listener.close();
        assertThat(Files.readString(path)).isEqualTo("someone else's");
    }

    @Test
    void aPathLongerThanSunPathFailsSayingSoAndNeverTruncates() throws Exception {
        // 107 bytes of path plus the terminating NUL fill sun_path exactly (108 bytes on Linux).
        String prefix = dir + "/";
        Path fits = Path.of(prefix + "f".repeat(107 - prefix.length()));
        Path tooLong = Path.of(prefix + "x".repeat(108 - prefix.length()));
        assertThat(fits.toString()).hasSize(107);
        echo("unix://" + fits);
        roundTrip("unix://" + fits);
        assertThatThrownBy(() -> echo("unix://" + tooLong))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("too long")
                .hasMessageContaining("109 bytes")
                .hasMessageContaining("108");
        assertThatThrownBy(() -> conduit.connect("unix://" + tooLong, Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("too long");
        assertThat(TempDirs.list(dir)).containsExactly(fits.getFileName().toString());
    }

    @Test
    void theAbstractNamespaceNeedsNoFileOnEpollAndIsRefusedClearlyOnNio() throws Exception {
        String name = "conduit-test-" + ThreadLocalRandom.current().nextLong(1L << 48);
        Listener<String> listener = echo("unix:@" + name + "?io=epoll");
        assertThat(listener.endpoint().toString()).startsWith("unix:@" + name);
        roundTrip("unix:@" + name + "?io=epoll");
        assertThatThrownBy(() -> echo("unix:@" + name + "?io=epoll"))
                .as("a second listener on the same abstract name")
                .isInstanceOf(BindFailedException.class);
        listener.close();
        assertThatThrownBy(() -> conduit.connect("unix:@" + name + "?io=epoll", Codecs.text()))
                .isInstanceOf(ConnectFailedException.class);
        assertThatThrownBy(() -> echo("unix:@" + name + "?io=nio"))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("native");
        assertThatThrownBy(() -> echo("unix:@" + name + "?mode=0660"))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("no file");
    }

    @Test
    void relativePathsAndBadModesAreRejectedWithWhatWasExpected() {
        assertThatThrownBy(() -> echo("unix://relative.sock"))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("absolute path");
        assertThatThrownBy(() -> echo("unix://" + dir.resolve("m.sock") + "?mode=0999"))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("octal");
        assertThatThrownBy(() -> echo("unix://" + dir.resolve("missing/x.sock")))
                .isInstanceOf(BindFailedException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void connectingWhereNothingListensNamesTheReason() throws Exception {
        Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(stale));
        }
        for (String io : new String[] {"epoll", "nio"}) {
            assertThatThrownBy(() -> conduit.connect("unix://" + dir.resolve("none.sock") + "?io=" + io, Codecs.text()))
                    .isInstanceOf(ConnectFailedException.class)
                    .hasMessageContaining("no socket at");
            assertThatThrownBy(() -> conduit.connect("unix://" + stale + "?io=" + io, Codecs.text()))
                    .isInstanceOf(ConnectFailedException.class)
                    .hasMessageContaining("nothing accepts");
        }
        assertThat(Files.exists(stale, LinkOption.NOFOLLOW_LINKS))
                .as("a client never removes a stale file")
                .isTrue();
    }
}
