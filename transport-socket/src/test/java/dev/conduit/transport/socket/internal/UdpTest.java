package dev.conduit.transport.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.EndpointException;
import dev.conduit.core.FrameTooLargeException;
import dev.conduit.core.Listener;
import dev.conduit.transport.socket.IdleTimeoutException;
import dev.conduit.transport.socket.Multicast;
import dev.conduit.transport.socket.SocketProperties;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** UDP's own behaviour: datagrams, senders and replies, multicast, the datagram size limit, the peer table. */
class UdpTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Conduit conduit;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void runtime() {
        conduit = Conduit.builder().name("udp-test").build();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        conduit.close();
    }

    @Test
    void eachMessageComesWithItsSenderAndTheReplyGoesBackToThatSender() throws Exception {
        Listener<String> listener = conduit.listen("udp://127.0.0.1:0", Codecs.text());
        Channel<String> alice = conduit.connect(listener.endpoint(), Codecs.text());
        Channel<String> bob = conduit.connect(listener.endpoint(), Codecs.text());
        alice.send("from alice");
        Channel<String> fromAlice = listener.accept(TIMEOUT);
        bob.send("from bob");
        Channel<String> fromBob = listener.accept(TIMEOUT);

        assertThat(fromAlice.receive(TIMEOUT)).isEqualTo("from alice");
        assertThat(fromBob.receive(TIMEOUT)).isEqualTo("from bob");
        assertThat(fromAlice.remoteEndpoint()).isEqualTo(alice.localEndpoint());
        assertThat(fromBob.remoteEndpoint()).isEqualTo(bob.localEndpoint());
        assertThat(fromAlice.localEndpoint().port())
                .isEqualTo(listener.endpoint().port());

        fromBob.send("to bob");
        fromAlice.send("to alice");
        assertThat(alice.receive(TIMEOUT)).isEqualTo("to alice");
        assertThat(bob.receive(TIMEOUT)).isEqualTo("to bob");
        assertThat(listener.channels()).containsExactlyInAnyOrder(fromAlice, fromBob);
    }

    @Test
    void oneMessageIsOneDatagram() throws Exception {
        DatagramSocket raw = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        toClose.add(raw);
        raw.setSoTimeout((int) TIMEOUT.toMillis());
        Channel<byte[]> channel = conduit.connect("udp://127.0.0.1:" + raw.getLocalPort(), Codecs.bytes());
        byte[][] messages = {{1}, "hello".getBytes(StandardCharsets.UTF_8), new byte[60_000]};
        for (byte[] m : messages) {
            channel.send(m).get(30, TimeUnit.SECONDS);
            DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
            raw.receive(p);
            assertThat(p.getLength())
                    .as("datagram of a %d-byte message", m.length)
                    .isEqualTo(m.length);
            assertThat(java.util.Arrays.copyOf(p.getData(), p.getLength())).isEqualTo(m);
            // and the other way: one datagram is one message
            raw.send(new DatagramPacket(m, m.length, p.getSocketAddress()));
            assertThat(channel.receive(TIMEOUT)).isEqualTo(m);
        }
        // Netty's datagram channels skip zero-length datagrams, so sending an empty message is refused, not lost.
        assertThatThrownBy(() -> channel.send(new byte[0]).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(dev.conduit.core.FramingException.class)
                .hasMessageContaining("empty message");
    }

    @Test
    void aMessageLargerThanADatagramFailsTheSendNamingTheLimit() throws Exception {
        Listener<byte[]> listener = conduit.listen("udp://127.0.0.1:0", Codecs.bytes());
        Channel<byte[]> channel = conduit.connect(listener.endpoint(), Codecs.bytes());
        assertThatThrownBy(() -> channel.send(new byte[65_508]).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(FrameTooLargeException.class)
                .hasMessageContaining("datagram of 65508 bytes")
                .hasMessageContaining("65507")
                .hasMessageContaining("UDP payload over IPv4");
        assertThat(channel.isOpen()).as("only that send fails").isTrue();
        channel.send(new byte[65_507]).get(30, TimeUnit.SECONDS);
        assertThat(listener.accept(TIMEOUT).receive(TIMEOUT)).hasSize(65_507);

        Channel<byte[]> replier = listener.channels().get(0);
        assertThatThrownBy(() -> replier.send(new byte[70_000]).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(FrameTooLargeException.class)
                .hasMessageContaining("65507");
    }

    @Test
    void multicastListenerJoinsItsGroupOnTheNamedInterfaceAndRepliesToSenders() throws Exception {
        String group = randomGroup();
        Listener<String> listener = conduit.listen(
                "udp://" + group + ":0?multicast.interface=lo",
                Codecs.text(),
                ch -> ch.onMessage((c, m) -> c.send("echo " + m)));
        assertThat(listener.endpoint().host()).isEqualTo(group);
        Multicast multicast = listener.property(SocketProperties.MULTICAST).orElseThrow();
        assertThat(multicast.groups()).containsExactly(group + "%lo");

        Channel<String> sender = conduit.connect(listener.endpoint(), Codecs.text());
        sender.send("to the group");
        assertThat(sender.receive(TIMEOUT)).isEqualTo("echo to the group");
    }

    @Test
    void joinAndLeaveGroupsWhileListening() throws Exception {
        String first = randomGroup();
        String second = randomGroup();
        Listener<String> listener = conduit.listen("udp://" + first + ":0?multicast.interface=lo", Codecs.text());
        int port = listener.endpoint().port();
        Multicast multicast = listener.property(SocketProperties.MULTICAST).orElseThrow();
        MulticastSocket raw = new MulticastSocket(0);
        toClose.add(raw);
        raw.setNetworkInterface(NetworkInterface.getByName("lo"));

        multicast.join(second, "lo");
        assertThat(multicast.groups()).containsExactlyInAnyOrder(first + "%lo", second + "%lo");
        send(raw, second, port, "to the second group");
        Channel<String> fromRaw = listener.accept(TIMEOUT);
        assertThat(fromRaw.receive(TIMEOUT)).isEqualTo("to the second group");

        multicast.leave(second, "lo");
        assertThat(multicast.groups()).containsExactly(first + "%lo");
        send(raw, second, port, "lost: not a member any more");
        send(raw, first, port, "marker");
        assertThat(fromRaw.receive(TIMEOUT))
                .as("after leaving, the group's datagrams no longer arrive")
                .isEqualTo("marker");

        assertThatThrownBy(() -> multicast.leave(second, "lo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a member");
        assertThatThrownBy(() -> multicast.join("127.0.0.1", "lo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a multicast address");
        assertThatThrownBy(() -> multicast.join(second, "no-such-if0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no network interface is named 'no-such-if0'")
                .hasMessageContaining("lo");
    }

    @Test
    void aMulticastListenerNeedsAnInterface() {
        assertThatThrownBy(() -> conduit.listen("udp://" + randomGroup() + ":0", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("multicast.interface");
    }

    @Test
    void theSenderTableIsBoundedAndAClosedChannelFreesItsSlot() throws Exception {
        Listener<String> listener = conduit.listen("udp://127.0.0.1:0?udp.maxPeers=2", Codecs.text());
        Channel<String> a = conduit.connect(listener.endpoint(), Codecs.text());
        Channel<String> b = conduit.connect(listener.endpoint(), Codecs.text());
        Channel<String> c = conduit.connect(listener.endpoint(), Codecs.text());
        a.send("a");
        Channel<String> fromA = listener.accept(TIMEOUT);
        b.send("b");
        listener.accept(TIMEOUT);
        c.send("c, dropped: no slot");
        assertThat(fromA.receive(TIMEOUT)).isEqualTo("a");
        a.send("marker after c");
        assertThat(fromA.receive(TIMEOUT)).isEqualTo("marker after c");
        assertThat(listener.accept(Duration.ZERO)).as("c got no channel").isNull();

        fromA.close();
        await().atMost(TIMEOUT).until(() -> listener.channels().size() == 1);
        c.send("c again");
        Channel<String> fromC = listener.accept(TIMEOUT);
        assertThat(fromC.receive(TIMEOUT)).isEqualTo("c again");
    }

    @Test
    void idleTimeoutClosesAQuietSendersChannel() throws Exception {
        Listener<String> listener = conduit.listen("udp://127.0.0.1:0?idleTimeout=200ms", Codecs.text());
        Channel<String> client =
                conduit.connect("udp://127.0.0.1:" + listener.endpoint().port(), Codecs.text());
        client.send("hello");
        Channel<String> fromClient = listener.accept(TIMEOUT);
        CloseReason reason = fromClient.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reason.error()).isInstanceOf(IdleTimeoutException.class);
        assertThat(fromClient.receive(Duration.ZERO)).isEqualTo("hello");
        client.send("back again");
        assertThat(listener.accept(TIMEOUT).receive(TIMEOUT)).isEqualTo("back again");
    }

    @Test
    void udpRefusesStreamFraming() {
        assertThatThrownBy(() -> conduit.listen("udp://127.0.0.1:0?framing=length", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("supported: none");
    }

    private static String randomGroup() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "239.255." + r.nextInt(1, 255) + "." + r.nextInt(1, 255);
    }

    private static void send(MulticastSocket raw, String group, int port, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        raw.send(new DatagramPacket(b, b.length, new InetSocketAddress(group, port)));
    }
}
