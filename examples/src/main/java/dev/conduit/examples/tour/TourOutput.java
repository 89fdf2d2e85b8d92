package dev.conduit.examples.tour;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How the tour prints: a table for people or JSON lines for scripts, a row at a time as each finishes. Not
 * thread-safe: the tour's thread prints.
 */
abstract class TourOutput {
    final PrintWriter out;

    private TourOutput(PrintWriter out) {
        this.out = out;
    }

    static TourOutput table(PrintWriter out) {
        return new Table(out);
    }

    static TourOutput json(PrintWriter out) {
        return new Json(out);
    }

    abstract void header(int size);

    abstract void row(TourResult r);

    /** The end: the summary, then {@code tour: N/M transports verified}. */
    abstract void end(List<TourResult> results, Optional<String> summary);

    /**
     * Transports whose every row that ran verified, and transports that ran: a transport counts once, however many
     * option sets it was measured with; a skipped row is not a failure.
     */
    static long[] transportsVerified(List<TourResult> results) {
        Map<String, Boolean> byTransport = new LinkedHashMap<>();
        for (TourResult r : results) {
            if (!r.skipped()) {
                byTransport.merge(r.variant().row().transport(), r.verified(), Boolean::logicalAnd);
            }
        }
        long ok = byTransport.values().stream().filter(v -> v).count();
        return new long[] {ok, byTransport.size()};
    }

    private static final class Table extends TourOutput {
        private static final String NAME = "%-12s";

        Table(PrintWriter out) {
            super(out);
        }

        @Override
        void header(int size) {
            out.println(
                    "conduit tour: a listener and a client per transport, in this process, " + size + "-byte messages");
            out.println("rows named <transport>/spin: idle=spin, the echo on the I/O thread, the reply read by the"
                    + " spinning client");
            out.println();
            out.println(String.format(
                    Locale.ROOT,
                    NAME + " %10s %9s %9s %12s %10s %9s %9s %12s  %s",
                    "transport",
                    "verified",
                    "p50 us",
                    "p99 us",
                    "msgs/s",
                    "rpc calls",
                    "rpc p50",
                    "rpc p99",
                    "rpc msgs/s",
                    "endpoint"));
            out.flush();
        }

        @Override
        void row(TourResult r) {
            String line;
            if (r.status() != TourResult.Status.VERIFIED) {
                String status = r.skipped() ? "skipped" : "FAILED";
                line = String.format(Locale.ROOT, NAME + " %10s  %s", r.name(), status, r.detail());
            } else if (r.variant().row().rpcOnly()) {
                line = String.format(
                        Locale.ROOT,
                        NAME + " %10d %9s %9s %12s %s  %s",
                        r.name(),
                        r.exchanged(),
                        "-",
                        "-",
                        "-",
                        rpcColumns(r.rpc()),
                        r.detail());
            } else {
                line = String.format(
                        Locale.ROOT,
                        NAME + " %10d %9.1f %9.1f %12d %s  %s",
                        r.name(),
                        r.exchanged(),
                        r.p50Micros(),
                        r.p99Micros(),
                        r.messagesPerSecond(),
                        rpcColumns(r.rpc()),
                        r.detail());
            }
            out.println(line);
            out.flush();
        }

        /** The RPC columns: unary calls checked, their p50/p99, streamed responses per second; dashes where not run. */
        private static String rpcColumns(RpcTour.@Nullable Result rpc) {
            return rpc == null
                    ? String.format(Locale.ROOT, "%10s %9s %9s %12s", "-", "-", "-", "-")
                    : String.format(
                            Locale.ROOT,
                            "%10d %9.1f %9.1f %12d",
                            rpc.calls(),
                            rpc.p50Micros(),
                            rpc.p99Micros(),
                            rpc.messagesPerSecond());
        }

        @Override
        void end(List<TourResult> results, Optional<String> summary) {
            long[] verified = transportsVerified(results);
            out.println();
            summary.ifPresent(s -> out.println("summary: " + s));
            out.println("tour: " + verified[0] + "/" + verified[1] + " transports verified");
            out.flush();
        }
    }

    /** One JSON object per line: a row as it finishes ({@code "row"}), and at the end the totals ({@code "tour"}). */
    private static final class Json extends TourOutput {
        Json(PrintWriter out) {
            super(out);
        }

        @Override
        void header(int size) {}

        @Override
        void row(TourResult r) {
            boolean figures = r.verified() && !r.variant().row().rpcOnly();
            StringBuilder b = new StringBuilder("{");
            field(b, "row", quote(r.name()));
            field(b, "transport", quote(r.variant().row().transport()));
            field(b, "options", quote(r.variant().spin() ? "spin" : "defaults"));
            field(b, "status", quote(r.status().name().toLowerCase(Locale.ROOT)));
            field(b, "size", Integer.toString(TourRunner.SIZE));
            field(b, "verified", Long.toString(r.exchanged()));
            field(b, "p50Micros", figures ? number(r.p50Micros()) : "null");
            field(b, "p99Micros", figures ? number(r.p99Micros()) : "null");
            field(b, "messagesPerSecond", figures ? Long.toString(r.messagesPerSecond()) : "null");
            RpcTour.Result rpc = r.rpc();
            field(
                    b,
                    "rpc",
                    rpc == null
                            ? "null"
                            : "{\"calls\":" + rpc.calls() + ",\"p50Micros\":" + number(rpc.p50Micros())
                                    + ",\"p99Micros\":" + number(rpc.p99Micros()) + ",\"messagesPerSecond\":"
                                    + rpc.messagesPerSecond() + "}");
            field(b, "detail", quote(r.detail()));
            out.println(b.append('}'));
            out.flush();
        }

        @Override
        void end(List<TourResult> results, Optional<String> summary) {
            long[] verified = transportsVerified(results);
            StringBuilder b = new StringBuilder("{\"tour\":{");
            field(b, "transportsVerified", Long.toString(verified[0]));
            field(b, "transports", Long.toString(verified[1]));
            field(b, "summary", summary.map(Json::quote).orElse("null"));
            out.println(b.append("}}"));
            out.flush();
        }

        private static void field(StringBuilder b, String name, String json) {
            if (b.charAt(b.length() - 1) != '{') {
                b.append(',');
            }
            b.append(quote(name)).append(':').append(json);
        }

        private static String number(double d) {
            return String.format(Locale.ROOT, "%.3f", d);
        }

        static String quote(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }
    }
}
