package dev.conduit.examples.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * What the {@code conduit} command prints when something goes wrong: one line, {@code conduit: <what went wrong>},
 * without exception class names or wrappers; usage errors name the command's help and exit with 64.
 */
final class Failures {
    private Failures() {}

    /** A command line that cannot be used, whether picocli found it or a command did. */
    static int usage(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String help = "'" + cmd.getCommandSpec().qualifiedName() + " --help'";
        print(cmd.getErr(), message(e) + " (see " + help + ")");
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** A command failed. */
    static int failure(Exception e, CommandLine cmd, ParseResult parsed) {
        print(cmd.getErr(), message(e));
        return 1;
    }

    private static void print(PrintWriter err, String message) {
        err.println("conduit: " + message.replace('\n', ' ').replace('\r', ' '));
        err.flush();
    }

    /** The message of what actually went wrong, unwrapped from futures and reflection. */
    static String message(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException
                        || t instanceof CompletionException
                        || t instanceof InvocationTargetException
                        || t instanceof UncheckedIOException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TimeoutException) {
            return "timed out" + (t.getMessage() != null ? ": " + t.getMessage() : "");
        }
        String m = t.getMessage();
        return m != null && !m.isBlank() ? m : t.getClass().getSimpleName();
    }
}
