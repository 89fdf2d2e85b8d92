package dev.conduit.examples.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --timeout DURATION}: how long {@code send} and {@code ping} wait for each reply. */
final class ReplyTimeout {
    @Option(
            names = "--timeout",
            defaultValue = "10s",
            paramLabel = "DURATION",
            converter = Arguments.Time.class,
            description = "how long to wait for each reply, e.g. 500ms, 10s (default 10s)")
    Duration value;

    /** As users write it: {@code 200ms}, {@code 10s}. */
    @Override
    public String toString() {
        return Endpoints.format(value);
    }
}
