package dev.conduit.examples.cli;

import dev.conduit.core.Channel;
import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Framing;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conduit ping URI}: round trips against a {@code listen --echo}. Its last line is a contract for scripts:
 *
 * <pre>
 * rtt p50=23.1us p99=45.2us p99.9=80.3us rate=40321/s count=10000 size=64
 * </pre>
 */
@Command(
        name = "ping",
        mixinStandardHelpOptions = true,
        description = "Measure round trips against 'conduit listen URI --echo': p50, p99, p99.9 and round trips/s.")
final class PingCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "URI", converter = Arguments.Uri.class, description = "an echoing endpoint")
    String uri;

    @Option(names = "--count", defaultValue = "10000", description = "round trips to measure (default 10000)")
    int count;

    @Option(names = "--size", defaultValue = "64", description = "payload bytes (default 64)")
    int size;

    @Option(names = "--warmup", defaultValue = "1000", description = "round trips before measuring (default 1000)")
    int warmup;

    @Option(
            names = "--framing",
            paramLabel = "length|line|none",
            converter = Arguments.FramingChoice.class,
            description = "override the URI's framing")
    Framing framing;

    @Option(
            names = "--hgrm",
            paramLabel = "FILE",
            description = "also write the percentile distribution in HdrHistogram's .hgrm format (microseconds)")
    Path hgrm;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "also draw the latency percentile curve as PNG")
    Path plot;

    @Mixin
    ReplyTimeout timeout;

    @Spec
    CommandSpec spec;

    /** Writes {@code n} in ASCII digits at the start: text- and line-safe, so any echoing codec returns it. */
    private static void stamp(byte[] payload, long n) {
        String digits = Long.toString(n);
        for (int i = 0; i < Math.min(digits.length(), payload.length); i++) {
            payload[i] = (byte) digits.charAt(i);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (count < 1 || size < 0 || warmup < 0) {
            throw new ParameterException(spec.commandLine(), "expected --count >= 1, --size >= 0, --warmup >= 0");
        }
        for (Path file : new Path[] {hgrm, plot}) {
            if (file != null) {
                checkWritable(file);
            }
        }
        Duration wait = timeout.value;
        PrintWriter out = spec.commandLine().getOut();
        Histogram histogram = new Histogram(3_600_000_000_000L, 3);
        long started;
        long elapsed;
        try (Conduit conduit = Conduit.builder().name("ping").build();
                Channel<byte[]> channel = Endpoints.connect(conduit, Endpoints.parse(uri, framing), Codecs.bytes())) {
            out.println("ping " + channel.remoteEndpoint() + ": " + count + " round trips of " + size + " bytes");
            out.flush();
            byte[] payload = new byte[size];
            Arrays.fill(payload, (byte) 'x');
            started = System.nanoTime();
            for (int i = -warmup; i < count; i++) {
                if (i == 0) {
                    started = System.nanoTime();
                }
                stamp(payload, i + warmup);
                long t0 = System.nanoTime();
                channel.send(payload);
                byte[] reply = channel.receive(wait);
                long t1 = System.nanoTime();
                if (reply == null) {
                    throw new IllegalStateException("no reply within " + timeout + " (is the peer 'listen --echo'?)");
                }
                if (!Arrays.equals(reply, payload)) {
                    throw new IllegalStateException("reply " + (i + warmup) + " differs from what was sent");
                }
                if (i >= 0) {
                    histogram.recordValue(t1 - t0);
                }
            }
            elapsed = System.nanoTime() - started;
        }
        writeFiles(histogram);
        out.println(String.format(
                Locale.ROOT,
                "rtt p50=%.1fus p99=%.1fus p99.9=%.1fus rate=%d/s count=%d size=%d",
                histogram.getValueAtPercentile(50) / 1e3,
                histogram.getValueAtPercentile(99) / 1e3,
                histogram.getValueAtPercentile(99.9) / 1e3,
                Math.round(count / (elapsed / 1e9)),
                count,
                size));
        out.flush();
        return 0;
    }

    /** The {@code --hgrm} and {@code --plot} files, each announced on a line of its own before the {@code rtt} line. */
    private void writeFiles(Histogram histogram) {
        PrintWriter out = spec.commandLine().getOut();
        if (hgrm != null) {
            write(hgrm, () -> LatencyFiles.writeHgrm(histogram, hgrm));
            out.println("percentile distribution: " + hgrm);
        }
        if (plot != null) {
            String title = "conduit ping " + uri + ": " + count + " round trips of " + size + " B";
            write(plot, () -> LatencyFiles.writePlot(histogram, title, plot));
            out.println("percentile plot: " + plot);
        }
    }

    private interface FileWriter {
        void write() throws IOException;
    }

    private static void write(Path file, FileWriter writer) {
        try {
            writer.write();
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("cannot write " + file + ": no such directory", e);
        } catch (AccessDeniedException e) {
            throw new IllegalStateException("cannot write " + file + ": permission denied", e);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot write " + file + ": " + Failures.message(e), e);
        }
    }

    /** Refuses, before any round trip, a file whose directory does not exist. */
    private static void checkWritable(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalStateException("cannot write " + file + ": no such directory " + dir);
        }
    }
}
