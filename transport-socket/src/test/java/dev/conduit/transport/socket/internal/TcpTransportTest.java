package dev.conduit.transport.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.core.BindFailedException;
import dev.conduit.core.Channel;
import dev.conduit.core.ChannelOptions;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.ConnectFailedException;
import dev.conduit.core.EndpointException;
import dev.conduit.core.FramingException;
import dev.conduit.core.Listener;
import dev.conduit.transport.netty.NettyEngine;
import dev.conduit.transport.netty.testkit.NativeEngines;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** tcp's defaults and the errors of its endpoints. */
class TcpTransportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Conduit conduit;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void runtime() {
        conduit = Conduit.builder().name("tcp-test").build();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        conduit.close();
    }

    @Test
    void aSenderDroppedForAFrameOverThePeersMaxFrameIsToldThatMayBeWhy() throws Exception {
        Listener<byte[]> listener = conduit.listen("tcp://127.0.0.1:0?maxFrame=64k", Codecs.bytes());
        Channel<byte[]> sender =
                conduit.connect(listener.endpoint().with(ChannelOptions.MAX_FRAME, 8 << 20), Codecs.bytes());
        listener.accept(TIMEOUT).onMessage((ch, m) -> {});
        sender.send(new byte[100 << 10]);
        // The peer drops the stream: an end of stream or a reset, depending on what it had read.
        CloseReason seen = sender.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(seen.kind()).as("%s", seen).isIn(CloseReason.Kind.PEER, CloseReason.Kind.ERROR);
        assertThat(seen.detail()).isEqualTo(CloseReason.MAY_HAVE_REFUSED);
        assertThatThrownBy(() -> sender.receive(TIMEOUT))
                .hasMessageContaining("the peer may have refused a frame over its maxFrame");
    }

    @Test
    void aPeerThatClosesAfterAnsweringIsAPlainPeerClose() throws Exception {
        Listener<String> listener = conduit.listen("tcp://127.0.0.1:0", Codecs.text());
        Channel<String> client = conduit.connect(listener.endpoint(), Codecs.text());
        Channel<String> server = listener.accept(TIMEOUT);
        client.send("question");
        assertThat(server.receive(TIMEOUT)).isEqualTo("question");
        server.send("answer").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(client.receive(TIMEOUT)).isEqualTo("answer");
        server.close();
        assertThat(client.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(CloseReason.PEER);
    }

    @Test
    void listeningOnPortZeroReportsTheRealPortAndClientsReachIt() throws Exception {
        Listener<String> listener = conduit.listen("tcp://127.0.0.1:0?framing=line", Codecs.text());
        int port = listener.endpoint().port();
        assertThat(port).isPositive();
        assertThat(listener.endpoint().toString()).isEqualTo("tcp://127.0.0.1:" + port + "?framing=line");
        Channel<String> client = conduit.connect(listener.endpoint(), Codecs.text());
        Channel<String> server = listener.accept(TIMEOUT);
        assertThat(client.remoteEndpoint().toString()).isEqualTo("tcp://127.0.0.1:" + port);
        assertThat(server.localEndpoint().toString()).isEqualTo("tcp://127.0.0.1:" + port);
        assertThat(server.remoteEndpoint()).isEqualTo(client.localEndpoint());
    }

    @Test
    void bindingAPortInUseFailsNamingTheAddress() throws Exception {
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        toClose.add(taken);
        String uri = "tcp://127.0.0.1:" + taken.getLocalPort();
        assertThatThrownBy(() -> conduit.listen(uri, Codecs.text()))
                .isInstanceOf(BindFailedException.class)
                .hasMessageContaining("127.0.0.1:" + taken.getLocalPort())
                .hasMessageContaining("already in use");
    }

    @ParameterizedTest
    @EnumSource(
            value = NettyEngine.class,
            names = {"NIO", "EPOLL", "IO_URING"})
    void tcpNoDelayIsOnByDefaultAndCanBeTurnedOff(NettyEngine engine) throws Exception {
        NativeEngines.assumeAvailable(engine);
        Listener<String> listener = conduit.listen("tcp://127.0.0.1:0?io=" + engine.uriName(), Codecs.text());
        Channel<String> client = conduit.connect(listener.endpoint(), Codecs.text());
        Channel<String> server = listener.accept(TIMEOUT);
        assertThat(socketOption(client, ChannelOption.TCP_NODELAY))
                .as("client, %s", engine)
                .isTrue();
        assertThat(socketOption(server, ChannelOption.TCP_NODELAY))
                .as("server, %s", engine)
                .isTrue();
        Channel<String> nagle = conduit.connect(
                "tcp://127.0.0.1:" + listener.endpoint().port() + "?noDelay=false&io=" + engine.uriName(),
                Codecs.text());
        assertThat(socketOption(nagle, ChannelOption.TCP_NODELAY))
                .as("noDelay=false, %s", engine)
                .isFalse();
    }

    @Test
    void connectTimesOutAfterTheConnectTimeoutNamingTheEndpoint() throws Exception {
        // A listener that never accepts, with its accept queue full: the kernel drops further SYNs.
        ServerSocket stuck = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        toClose.add(stuck);
        for (int i = 0; i < 4; i++) {
            Socket s = new Socket();
            toClose.add(s);
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), stuck.getLocalPort()), 200);
            } catch (java.io.IOException e) {
                break; // the queue is full
            }
        }
        String uri = "tcp://127.0.0.1:" + stuck.getLocalPort() + "?connectTimeout=300ms";
        long start = System.nanoTime();
        assertThatThrownBy(() -> conduit.connect(uri, Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("127.0.0.1:" + stuck.getLocalPort())
                .hasMessageContaining("timed out after 300 ms");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .as("no earlier than the timeout")
                .isGreaterThanOrEqualTo(250);
        assertThat(ChannelOptions.CONNECT_TIMEOUT.defaultValue()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void lineFramingCarriesTextAndRefusesAMessageWithANewline() throws Exception {
        Listener<String> listener = conduit.listen("tcp://127.0.0.1:0?framing=line", Codecs.text());
        Channel<String> client = conduit.connect(listener.endpoint(), Codecs.text());
        Channel<String> server = listener.accept(TIMEOUT);
        client.send("first line");
        client.send("");
        assertThat(server.receive(TIMEOUT)).isEqualTo("first line");
        assertThat(server.receive(TIMEOUT)).isEmpty();
        assertThatThrownBy(() -> client.send("two\nlines").get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(FramingException.class)
                .hasMessageContaining("newline");
        client.send("after");
        assertThat(server.receive(TIMEOUT)).isEqualTo("after");
    }

    @Test
    void invalidEndpointsAreRefusedWithWhatWasExpected() {
        assertThatThrownBy(() -> conduit.listen("tcp://127.0.0.1:0?bogus=1", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("unknown option 'bogus'")
                .hasMessageContaining("keepAlive");
        assertThatThrownBy(() -> conduit.listen("tcp://127.0.0.1", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> conduit.listen("tcp://127.0.0.1:0?framing=none", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("supported: length, line");
        assertThatThrownBy(() -> conduit.listen("tcp://127.0.0.1:0?io=kqueue", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("io=kqueue is not available");
        assertThatThrownBy(() -> conduit.connect("tcp://no-such-host.invalid:7000", Codecs.text()))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("no-such-host.invalid");
    }

    static <T> T socketOption(Channel<?> channel, ChannelOption<T> option) {
        io.netty.channel.Channel netty =
                channel.property(TcpLinkFacts.NETTY_CHANNEL).orElseThrow();
        return netty.config().getOption(option);
    }
}
