package dev.conduit.examples.cli;

import java.io.PrintStream;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The {@code conduit} command's logging: the libraries log through SLF4J, and a command line wants only what a user
 * must act on. By default warnings and errors, one line each on stderr ({@code conduit: warning: ...}), an exception
 * reduced to its message; with {@code --verbose}, INFO and DEBUG too, with stack traces. {@link #install()} selects it
 * before the first logger is made (SLF4J's {@code slf4j.provider} property), so nothing else is needed on the class
 * path. Thread-safe: each record is one {@code println}.
 */
public final class CliLogging implements SLF4JServiceProvider {
    private static volatile boolean verbose;

    private final ILoggerFactory loggers = CliLogger::new;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** Makes SLF4J use this provider; call before anything logs. */
    static void install() {
        System.setProperty("slf4j.provider", CliLogging.class.getName());
        // SLF4J itself would say, at INFO, that it loads the provider named here.
        System.setProperty("slf4j.internal.verbosity", "WARN");
    }

    /** Shows INFO and DEBUG records and stack traces too. */
    static void verbose(boolean on) {
        verbose = on;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {}

    /** A logger that writes one line per record to the process's stderr. */
    private static final class CliLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;

        CliLogger(String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return verbose;
        }

        @Override
        public boolean isInfoEnabled() {
            return verbose;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(
                Level level, Marker marker, String pattern, Object[] arguments, Throwable thrown) {
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            StringBuilder line = new StringBuilder("conduit: ")
                    .append(level == Level.WARN ? "warning" : level.toString().toLowerCase(java.util.Locale.ROOT))
                    .append(": ");
            if (verbose) {
                line.append(name.substring(name.lastIndexOf('.') + 1)).append(": ");
            }
            line.append(message);
            if (thrown != null && !verbose) {
                line.append(": ").append(thrown);
            }
            PrintStream err = System.err;
            err.println(line.toString().replace('\n', ' '));
            if (thrown != null && verbose) {
                thrown.printStackTrace(err);
            }
        }
    }
}
