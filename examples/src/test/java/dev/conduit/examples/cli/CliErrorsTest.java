package dev.conduit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Codecs;
import dev.conduit.core.Conduit;
import dev.conduit.core.Listener;
import dev.conduit.examples.cli.CliTest.Run;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the {@code conduit} command says when something is wrong: usage errors exit 64, every error is one line
 * without exception wrappers, and nothing is logged before it unless asked ({@code --verbose}).
 */
class CliErrorsTest {
    private Conduit conduit;
    private Listener<byte[]> echo;

    @BeforeEach
    void startAPlainEchoListener() {
        conduit = Conduit.builder().name("errors").build();
        echo = conduit.listen("tcp://127.0.0.1:0", Codecs.bytes(), ch -> ch.onMessage((c, m) -> c.send(m)));
    }

    @AfterEach
    void stop() {
        conduit.close();
    }

    private static void assertUsageError(Run run, String... fragments) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ConduitCli.USAGE_ERROR);
        assertThat(run.err().lines())
                .as(run.err())
                .singleElement()
                .satisfies(line -> assertThat(line).startsWith("conduit: ").contains(fragments));
        assertThat(run.out()).isEmpty();
    }

    @Test
    void everyUsageErrorExits64OnOneLine() {
        String uri = echo.endpoint().toString();
        assertUsageError(CliTest.run("kv", uri, "frob", "k"), "unknown operation 'frob'", "put, get, delete");
        assertUsageError(CliTest.run("kv", uri, "put", "k"), "conduit kv URI put KEY VALUE");
        assertUsageError(CliTest.run("kv", uri, "get"), "conduit kv URI get KEY");
        assertUsageError(CliTest.run("send", "not a uri", "hi"), "malformed endpoint 'not a uri'");
        assertUsageError(CliTest.run("kv", "tcp//nothing", "get", "k"), "malformed endpoint");
        assertUsageError(CliTest.run("send", uri, "hi", "--timeout", "1"), "--timeout", "500ms, 10s or 2m");
        assertUsageError(CliTest.run("ping", uri, "--timeout", "soon"), "--timeout");
        assertUsageError(CliTest.run("ping", uri, "--count", "0"), "--count >= 1");
        assertUsageError(CliTest.run("kv-server", uri, "--close-timeout", "5"), "--close-timeout");
        assertUsageError(CliTest.run("kv-server", uri, "--shutdown-timeout", "5"), "--shutdown-timeout");
    }

    @Test
    void enumValuesAreWrittenAsUsersTypeThem() {
        assertUsageError(
                CliTest.run("listen", "tcp://127.0.0.1:0", "--framing", "xml"), "--framing", "length|line|none");
        assertUsageError(CliTest.run("listen", "tcp://127.0.0.1:0", "--codec", "utf16"), "--codec", "text|bytes");
        assertThat(CliTest.run("listen", "tcp://127.0.0.1:0", "--framing", "xml")
                        .err())
                .doesNotContain("LENGTH");
        assertThat(CliTest.run("listen", "--help").out()).contains("--framing=length|line|none", "--codec=text|bytes");
    }

    @Test
    void tourHelpShowsTheDefaults() {
        Run help = CliTest.run("tour", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("(default: 10000)").contains("(default: 50000)");
    }

    @Test
    void aSendOverThePeersLimitIsOneLineWithoutWrappers() {
        Run run = CliTest.run("send", echo.endpoint() + "?maxFrame=100", "x".repeat(200));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines())
                .containsExactly("conduit: message of 200 bytes exceeds the limit of 100 bytes (maxFrame=100)");
    }

    @Test
    void kvAgainstAPlainListenerSaysItDoesNotSpeakRpcOnOneLineAndLogsNothingElse() throws Exception {
        String uri = echo.endpoint().toString();
        CliProcess.Result run = CliProcess.run("kv", uri, "get", "k");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err().lines())
                .as("stderr")
                .containsExactly("UNAVAILABLE: " + uri + " does not speak Conduit RPC (a plain channel listener?):"
                        + " it sent CALL_START, which only a client sends");
        assertThat(run.out()).isEmpty();

        CliProcess.Result verbose = CliProcess.run("kv", uri, "get", "k", "--verbose");
        assertThat(verbose.exitCode()).isEqualTo(1);
        List<String> lines = verbose.err().lines().toList();
        assertThat(lines)
                .as("with --verbose, what the libraries said comes first")
                .hasSizeGreaterThan(1);
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("conduit: info: "));
        assertThat(lines.get(0)).startsWith("conduit: ");
        assertThat(lines.get(lines.size() - 1)).startsWith("UNAVAILABLE: " + uri + " does not speak Conduit RPC");
    }

    @Test
    void aTlsClientAgainstAPlainListenerSaysTheHandshakeFailedAndWhy() throws Exception {
        String plain = "tcps://127.0.0.1:" + echo.endpoint().port();
        CliProcess.Result run = CliProcess.run("send", plain + "?tls.verifyHost=false", "hi");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines())
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .startsWith("conduit: cannot connect to " + plain)
                        .contains("TLS handshake failed")
                        .contains("is it a plain tcp:// listener?")
                        .doesNotContain("Exception"));
    }
}
