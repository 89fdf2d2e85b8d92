package dev.conduit.examples.cli;

import dev.conduit.core.ChannelOptions;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Framing;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Helpers shared by the commands. */
final class Endpoints {
    private Endpoints() {}

    /** {@code uri} with {@code --framing} applied when given. */
    static Endpoint parse(String uri, @Nullable Framing framing) {
        Endpoint endpoint = Endpoint.parse(uri);
        return framing == null ? endpoint : endpoint.with(ChannelOptions.FRAMING, framing);
    }

    /** A duration such as {@code 500ms}, {@code 10s}. */
    static Duration duration(String text) {
        return ChannelOptions.CONNECT_TIMEOUT.parse(text);
    }

    /** A short printable form of a binary message. */
    static String describe(byte[] message) {
        StringBuilder sb = new StringBuilder().append(message.length).append(" bytes");
        if (message.length > 0) {
            sb.append(": ");
        }
        for (int i = 0; i < Math.min(message.length, 32); i++) {
            sb.append(String.format("%02x", message[i] & 0xff));
        }
        if (message.length > 32) {
            sb.append("...");
        }
        return sb.toString();
    }
}
