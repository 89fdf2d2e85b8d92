package dev.conduit.examples.cli;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Endpoint;
import dev.conduit.core.Framing;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conduit send URI MESSAGE...}: sends each message as UTF-8 text and prints each reply on its own line. To a
 * queue without a reader ({@code queue:///dir}) it only appends: there is nobody to reply.
 */
@Command(
        name = "send",
        mixinStandardHelpOptions = true,
        description = "Send each MESSAGE as UTF-8 text to URI and print each reply on its own line.")
final class SendCommand implements Callable<Integer> {

    @Parameters(
            index = "0",
            paramLabel = "URI",
            converter = Arguments.Uri.class,
            description = "endpoint to connect to")
    String uri;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "MESSAGE", description = "messages to send, in order")
    List<String> messages;

    @Option(
            names = "--framing",
            paramLabel = "length|line|none",
            converter = Arguments.FramingChoice.class,
            description = "override the URI's framing")
    Framing framing;

    @Mixin
    ReplyTimeout timeout;

    @Option(names = "--no-reply", description = "do not wait for replies")
    boolean noReply;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Endpoint endpoint = Endpoints.parse(uri, framing);
        boolean replies = !noReply && !Endpoints.appendOnly(endpoint);
        try (Conduit conduit = Conduit.builder().name("send").build();
                Channel<String> channel = Endpoints.connect(conduit, endpoint, Codecs.text())) {
            for (String message : messages) {
                try {
                    channel.send(message).get(timeout.value.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    throw new IllegalStateException("the transport did not take '" + message + "' within " + timeout);
                }
                if (!replies) {
                    continue;
                }
                String reply = channel.receive(timeout.value);
                if (reply == null) {
                    spec.commandLine().getErr().println("conduit: no reply to '" + message + "' within " + timeout);
                    return 1;
                }
                out.println(reply);
                out.flush();
            }
        }
        return 0;
    }
}
