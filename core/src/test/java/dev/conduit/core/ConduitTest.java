package dev.conduit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The runtime: transport discovery, endpoint validation, lifecycle. */
class ConduitTest {

    @Test
    void unknownSchemesNameTheModuleToAdd() {
        try (Conduit conduit = Conduit.create()) {
            assertThatThrownBy(() -> conduit.connect("shm://orders", Codecs.text()))
                    .isInstanceOf(TransportNotFoundException.class)
                    .hasMessage("shm:// needs dev.conduit:conduit-ipc on the classpath");
            assertThatThrownBy(() -> conduit.listen("tcp://127.0.0.1:0", Codecs.text()))
                    .hasMessage("tcp:// needs dev.conduit:conduit-transport-socket on the classpath");
            assertThatThrownBy(() -> conduit.connect("gopher://x", Codecs.text()))
                    .hasMessageContaining("no transport serves gopher://")
                    .hasMessageContaining("inproc://");
        }
    }

    @Test
    void unknownOptionsAndUnsupportedFramingsAreRejected() {
        try (Conduit conduit = Conduit.create()) {
            assertThatThrownBy(() -> conduit.listen("inproc://a?maxFrme=1", Codecs.text()))
                    .isInstanceOf(EndpointException.class)
                    .hasMessageContaining("unknown option 'maxFrme'")
                    .hasMessageContaining("maxFrame");
            assertThatThrownBy(() -> conduit.listen("inproc://a?framing=line", Codecs.text()))
                    .isInstanceOf(EndpointException.class)
                    .hasMessage("framing=line is not supported by inproc://; supported: none");
        }
    }

    @Test
    void checkConnectRefusesWhatConnectWouldRefuseWithTheSameMessage() {
        try (Conduit conduit = Conduit.create()) {
            for (String uri : new String[] {"gopher://x", "inproc://a?maxFrme=1k", "inproc://a/b", "shm://orders"}) {
                Endpoint e = Endpoint.parse(uri);
                Throwable fromConnect = catchThrowable(() -> conduit.connect(e, Codecs.text()));
                assertThat(fromConnect).as(uri).isInstanceOf(EndpointException.class);
                assertThatThrownBy(() -> conduit.checkConnect(e))
                        .as(uri)
                        .isInstanceOf(fromConnect.getClass())
                        .hasMessage(fromConnect.getMessage());
            }
            conduit.checkConnect(Endpoint.parse("inproc://nobody-listens-yet"));
        }
    }

    @Test
    void aNameCanBeBoundOnceAndIsFreeAgainAfterClose() {
        try (Conduit conduit = Conduit.create()) {
            Listener<String> first = conduit.listen("inproc://unique-name", Codecs.text());
            assertThatThrownBy(() -> conduit.listen("inproc://unique-name", Codecs.text()))
                    .isInstanceOf(BindFailedException.class)
                    .hasMessageContaining("inproc://unique-name");
            first.close();
            conduit.listen("inproc://unique-name", Codecs.text()).close();
        }
    }

    @Test
    void closingTheRuntimeClosesItsListenersAndChannelsAndRefusesNewWork() throws Exception {
        Conduit conduit = Conduit.create();
        Listener<String> listener = conduit.listen("inproc://*", Codecs.text());
        Channel<String> client = conduit.connect(listener.endpoint(), Codecs.text());
        Channel<String> server = listener.accept(Duration.ofSeconds(10));
        assertThat(conduit.stats().openChannels()).isEqualTo(2);
        assertThat(conduit.stats().openListeners()).isEqualTo(1);
        conduit.close();
        assertThat(client.closeFuture().get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.LOCAL);
        assertThat(server.closeFuture().get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.LOCAL);
        assertThat(listener.isOpen()).isFalse();
        assertThat(conduit.isClosed()).isTrue();
        assertThat(conduit.stats().openChannels()).isZero();
        assertThatThrownBy(() -> conduit.connect("inproc://x", Codecs.text()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        conduit.close();
    }

    @Test
    void theSharedRuntimeServesAndIgnoresClose() throws Exception {
        Conduit shared = Conduit.shared();
        assertThat(Conduit.shared()).isSameAs(shared);
        shared.close();
        try (Listener<String> l = shared.listen("inproc://*", Codecs.text(), ch -> ch.onMessage(Channel::send));
                Channel<String> c = shared.connect(l.endpoint(), Codecs.text())) {
            c.send("still here");
            assertThat(c.receive(Duration.ofSeconds(10))).isEqualTo("still here");
        }
        assertThat(shared.isClosed()).isFalse();
    }

    @Test
    void runtimeNamesAreChecked() {
        assertThatThrownBy(() -> Conduit.builder().name("bad name")).isInstanceOf(IllegalArgumentException.class);
        try (Conduit named = Conduit.builder().name("ok-name_1").build()) {
            assertThat(named.name()).isEqualTo("ok-name_1");
            assertThat(named.schemes()).contains("inproc");
        }
    }
}
