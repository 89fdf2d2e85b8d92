package dev.conduit.transport.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.conduit.core.Channel;
import dev.conduit.core.CloseReason;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import dev.conduit.transport.netty.NettyEngine;
import dev.conduit.transport.netty.testkit.NativeEngines;
import dev.conduit.transport.socket.IdleTimeoutException;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.uring.IoUringChannelOption;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Noticing a dead peer: the idle timeout closes a quiet channel; keepalive sets the kernel's probes. */
class IdleTimeoutAndKeepAliveTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Conduit conduit;

    @BeforeEach
    void runtime() {
        conduit = Conduit.builder().name("idle-test").build();
    }

    @AfterEach
    void close() {
        conduit.close();
    }

    @Test
    void aDeadPeerThatSendsNoFinIsDetectedWithinTheIdleTimeout() throws Exception {
        Listener<String> listener =
                conduit.listen("tcp://127.0.0.1:0", Codecs.text(), ch -> ch.onMessage(Channel::send));
        try (BlackholeRelay relay = new BlackholeRelay(listener.endpoint().port())) {
            Channel<String> client =
                    conduit.connect("tcp://127.0.0.1:" + relay.port() + "?idleTimeout=1s", Codecs.text());
            client.send("alive?");
            assertThat(client.receive(TIMEOUT)).isEqualTo("alive?");
            long lastByte = System.nanoTime();
            relay.cut();

            CloseReason reason = client.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            long detectedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastByte);
            assertThat(reason.kind()).isEqualTo(CloseReason.Kind.ERROR);
            assertThat(reason.error())
                    .isInstanceOf(IdleTimeoutException.class)
                    .hasMessageContaining("idleTimeout=1000ms");
            assertThat(detectedAfter).as("not before the idle timeout").isGreaterThanOrEqualTo(900);
            // generous slack for a loaded 2-core machine; without the timeout it would never close
            assertThat(detectedAfter).as("soon after the idle timeout").isLessThan(6_000);
        }
    }

    @Test
    void aChannelThatKeepsReceivingStaysOpenPastTheIdleTimeout() throws Exception {
        Listener<String> listener =
                conduit.listen("tcp://127.0.0.1:0", Codecs.text(), ch -> ch.onMessage(Channel::send));
        // A beat every 200 ms against a 1 s timeout: a loaded machine may delay a beat, not five in a row.
        Channel<String> client = conduit.connect(
                listener.endpoint()
                        .withAddress("127.0.0.1:" + listener.endpoint().port())
                        .with(dev.conduit.transport.socket.TcpOptions.IDLE_TIMEOUT, Duration.ofSeconds(1)),
                Codecs.text());
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger sent = new AtomicInteger();
        try {
            heartbeat.scheduleAtFixedRate(
                    () -> client.send("beat " + sent.incrementAndGet()), 0, 200, TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            int received = 0;
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(3_000)) {
                assertThat(client.receive(TIMEOUT)).startsWith("beat");
                received++;
            }
            assertThat(received).isGreaterThan(5);
            assertThat(client.isOpen())
                    .as("open after 3 s, three idle timeouts, with idleTimeout=1s")
                    .isTrue();
        } finally {
            heartbeat.shutdownNow();
        }
    }

    @Test
    void listenerSideIdleTimeoutClosesASilentClient() throws Exception {
        List<CloseReason> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();
        Listener<String> listener = conduit.listen(
                "tcp://127.0.0.1:0?idleTimeout=300ms",
                Codecs.text(),
                ch -> ch.closeFuture().thenAccept(reasons::add));
        try (java.net.Socket silent = new java.net.Socket()) {
            silent.connect(
                    new InetSocketAddress("127.0.0.1", listener.endpoint().port()));
            await().atMost(TIMEOUT).until(() -> !reasons.isEmpty());
            assertThat(reasons.get(0).error()).isInstanceOf(IdleTimeoutException.class);
            silent.setSoTimeout((int) TIMEOUT.toMillis());
            assertThat(silent.getInputStream().read())
                    .as("the listener hung up")
                    .isEqualTo(-1);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = NettyEngine.class,
            names = {"NIO", "EPOLL", "IO_URING"})
    void keepAliveSetsTheKernelProbesOnEveryEngine(NettyEngine engine) throws Exception {
        NativeEngines.assumeAvailable(engine);
        Listener<String> listener =
                conduit.listen("tcp://127.0.0.1:0?keepAlive=9s&io=" + engine.uriName(), Codecs.text());
        Channel<String> client = conduit.connect(listener.endpoint(), Codecs.text());
        Channel<String> server = listener.accept(TIMEOUT);
        for (Channel<String> side : List.of(client, server)) {
            assertThat(TcpTransportTest.socketOption(side, ChannelOption.SO_KEEPALIVE))
                    .as("SO_KEEPALIVE, %s", engine)
                    .isTrue();
            assertThat(TcpTransportTest.socketOption(side, keepIdle(engine)))
                    .as("TCP_KEEPIDLE, %s", engine)
                    .isEqualTo(9);
            assertThat(TcpTransportTest.socketOption(side, keepInterval(engine)))
                    .as("TCP_KEEPINTVL, %s", engine)
                    .isEqualTo(3);
        }
        Channel<String> plain = conduit.connect(
                "tcp://127.0.0.1:" + listener.endpoint().port() + "?io=" + engine.uriName(), Codecs.text());
        assertThat(TcpTransportTest.socketOption(plain, ChannelOption.SO_KEEPALIVE))
                .as("off by default, %s", engine)
                .isFalse();
        // Last, as it may be skipped: the probes are really scheduled in the kernel, not just set in Netty's config.
        assertKernelKeepaliveTimer(client);
    }

    private static ChannelOption<Integer> keepIdle(NettyEngine engine) {
        return switch (engine) {
            case EPOLL -> EpollChannelOption.TCP_KEEPIDLE;
            case IO_URING -> IoUringChannelOption.TCP_KEEPIDLE;
            default -> NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE);
        };
    }

    private static ChannelOption<Integer> keepInterval(NettyEngine engine) {
        return switch (engine) {
            case EPOLL -> EpollChannelOption.TCP_KEEPINTVL;
            case IO_URING -> IoUringChannelOption.TCP_KEEPINTVL;
            default -> NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL);
        };
    }

    /**
     * On Linux, the kernel lists the connection in /proc/net/tcp with timer 2 (keepalive) armed: the probes really
     * are scheduled, not just recorded in Netty's config. Where the kernel's table cannot be read (not Linux), the
     * test is reported skipped at this point, with the reason.
     */
    private static void assertKernelKeepaliveTimer(Channel<?> channel) throws IOException {
        Path table = Path.of("/proc/net/tcp");
        assumeTrue(
                Files.isReadable(table),
                "the kernel's keepalive timer cannot be checked: " + table + " is not readable here");
        String localPort = String.format("%04X", channel.localEndpoint().port());
        String remotePort = String.format("%04X", channel.remoteEndpoint().port());
        List<String> rows = new java.util.ArrayList<>(Files.readAllLines(table));
        Path table6 = Path.of("/proc/net/tcp6"); // dual-stack sockets (NIO) are listed there
        if (Files.isReadable(table6)) {
            rows.addAll(Files.readAllLines(table6));
        }
        String row = rows.stream()
                .filter(l -> l.trim().split("\\s+").length > 5)
                .map(l -> l.trim().split("\\s+"))
                .filter(f -> f[1].endsWith(":" + localPort) && f[2].endsWith(":" + remotePort))
                .filter(f -> f[3].equals("01")) // ESTABLISHED, not an older connection in TIME_WAIT
                .map(f -> String.join(" ", f))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no /proc/net/tcp{,6} row for local port " + localPort));
        String timer = row.trim().split("\\s+")[5]; // tr:tm->when
        assertThat(timer).as("keepalive timer in /proc/net/tcp: %s", row).startsWith("02:");
    }
}
