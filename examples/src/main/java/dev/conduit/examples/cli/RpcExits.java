package dev.conduit.examples.cli;

import dev.conduit.rpc.RpcException;
import dev.conduit.rpc.Status;
import java.io.PrintWriter;

/**
 * Exit codes and error lines of the commands that make RPC calls by name ({@code call}, {@code health}): a call that
 * ends with a status other than OK exits with 64 + the status code (65 CANCELLED ... 80 UNAUTHENTICATED; 69 NOT_FOUND,
 * 76 UNIMPLEMENTED, 78 UNAVAILABLE), after one line on stderr, {@code conduit: <CODE>: <message>}. 64 alone is a usage
 * error, as everywhere in the CLI; OK never maps, so the two cannot be confused.
 */
final class RpcExits {
    /** Added to a status code to make the exit code. */
    static final int STATUS_BASE = 64;

    private RpcExits() {}

    /** Prints the failed status on one line and returns its exit code. */
    static int failed(PrintWriter err, RpcException e) {
        Status status = e.status();
        String description = status.description() == null ? "" : oneLine(status.description());
        err.println("conduit: " + status.code() + ": " + description);
        err.flush();
        return STATUS_BASE + status.code().value();
    }

    /** Prints a usage error on one line and returns 64. */
    static int usage(PrintWriter err, String message) {
        err.println("conduit: " + oneLine(message));
        err.flush();
        return ConduitCli.USAGE_ERROR;
    }

    /** A problem of the command line, reported as a usage error (exit 64) by the command that catches it. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }
}
