package dev.conduit.transport.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.EndpointException;
import dev.conduit.core.Idle;
import dev.conduit.core.Listener;
import dev.conduit.transport.netty.NettyEngine;
import dev.conduit.transport.netty.testkit.NativeEngines;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code ?idle=spin}: on the engines that can busy-poll (epoll, NIO) the endpoint's event loop is a spinning thread
 * that keeps running while idle and serves traffic; elsewhere the endpoint is refused with a message that names the
 * engines that can.
 */
class IdleSpinTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Conduit conduit;

    @BeforeEach
    void runtime() {
        conduit = Conduit.builder().name("idle").build();
    }

    @AfterEach
    void close() {
        conduit.close();
    }

    @ParameterizedTest
    @EnumSource(
            value = NettyEngine.class,
            names = {"EPOLL", "NIO", "IO_URING", "KQUEUE"})
    void spinWorksWhereTheEngineCanBusyPollAndIsRefusedClearlyElsewhere(NettyEngine engine) throws Exception {
        String uri = "tcp://127.0.0.1:0?idle=spin&io=" + engine.uriName();
        NativeEngines.failIfRequired(engine); // a native library that does not load is not "elsewhere"
        if (!engine.isAvailable()) {
            assertThatThrownBy(() -> conduit.listen(uri, Codecs.text()))
                    .isInstanceOf(EndpointException.class)
                    .hasMessageContaining("io=" + engine.uriName() + " is not available");
            return;
        }
        if (!engine.supports(Idle.SPIN)) {
            assertThatThrownBy(() -> conduit.listen(uri, Codecs.text()))
                    .isInstanceOf(EndpointException.class)
                    .hasMessageContaining("idle=spin is not supported with io=" + engine.uriName())
                    .hasMessageContaining("io=epoll")
                    .hasMessageContaining("io=nio");
            return;
        }
        assertThat(engine).isIn(NettyEngine.EPOLL, NettyEngine.NIO);
        Listener<String> listener =
                conduit.listen(uri, Codecs.text(), ch -> ch.onMessage(Channel::send, Channel.DIRECT));
        Channel<String> client = conduit.connect(listener.endpoint(), Codecs.text());
        for (int i = 0; i < 1_000; i++) {
            client.send("ping " + i);
            assertThat(client.receive(TIMEOUT)).isEqualTo("ping " + i);
        }
        String spinner = "conduit-idle-io-" + engine.uriName() + "-spin-1";
        Thread thread = thread(spinner);
        assertThat(thread).as("the endpoint's event loop is the spinning one").isNotNull();
        assertSpinsWhileIdle(thread);
    }

    /** A busy-polling loop burns CPU with no traffic at all; a blocking one would sit in epoll_wait/select. */
    private static void assertSpinsWhileIdle(Thread thread) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long before = mx.getThreadCpuTime(thread.getId());
        assertThat(before).as("thread CPU time is measurable here").isNotNegative();
        long wallStart = System.nanoTime();
        await().atMost(TIMEOUT)
                .until(() -> mx.getThreadCpuTime(thread.getId()) - before >= TimeUnit.MILLISECONDS.toNanos(100));
        long cpu = mx.getThreadCpuTime(thread.getId()) - before;
        long wall = System.nanoTime() - wallStart;
        // A loop parked in epoll_wait/select would take microseconds over the whole wait; a spinning one takes a
        // good share of a core even on a busy 2-core machine.
        assertThat(cpu)
                .as("CPU burnt while idle: %d ms over %d ms of wall time", cpu / 1_000_000, wall / 1_000_000)
                .isGreaterThanOrEqualTo(wall / 10);
    }

    @Test
    void backoffIsRefusedByTcpNamingWhatIsSupported() {
        assertThatThrownBy(() -> conduit.listen("tcp://127.0.0.1:0?idle=backoff", Codecs.text()))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("idle=backoff is not supported by tcp://")
                .hasMessageContaining("supported: block, spin");
    }

    @Test
    void blockIsTheDefault() throws Exception {
        Listener<String> listener = conduit.listen("tcp://127.0.0.1:0", Codecs.text());
        conduit.connect(listener.endpoint(), Codecs.text());
        List<String> loops = dev.conduit.core.testkit.ResourceCheck.threadsNamed("conduit-idle-io-");
        assertThat(loops).isNotEmpty().noneMatch(n -> n.endsWith("-spin-1"));
    }

    private static Thread thread(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name))
                .findFirst()
                .orElse(null);
    }
}
