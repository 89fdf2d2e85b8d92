package dev.conduit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * core needs only netty-buffer and netty-common: this module's test class path is core's own dependencies, so Netty's
 * channel, codec and native transport classes must be absent here while an inproc channel still works.
 */
class NettyFootprintTest {
    @Test
    void nettysTransportAndCodecsAreNotOnCoresClassPath() {
        for (String name : new String[] {
            "io.netty.channel.Channel", "io.netty.handler.codec.ByteToMessageDecoder", "io.netty.channel.epoll.Epoll"
        }) {
            assertThatThrownBy(() -> Class.forName(name))
                    .as("%s must not reach core's users", name)
                    .isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void anInprocRoundTripNeedsNothingMore() throws Exception {
        try (Conduit conduit = Conduit.create();
                Listener<String> server = conduit.listen(
                        "inproc://*", Codecs.text(), ch -> ch.onMessage((c, msg) -> c.send(msg.toUpperCase())));
                Channel<String> client = conduit.connect(server.endpoint(), Codecs.text())) {
            client.send("hello");
            assertThat(client.receive(Duration.ofSeconds(10))).isEqualTo("HELLO");
        }
    }
}
