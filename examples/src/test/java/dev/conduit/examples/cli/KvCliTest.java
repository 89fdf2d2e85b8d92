package dev.conduit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.conduit.examples.cli.CliTest.Run;
import dev.conduit.transport.socket.internal.TestPki;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code conduit kv-server} and {@code conduit kv}: output lines and exit codes are a contract for scripts. */
class KvCliTest {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final List<Thread> background = new ArrayList<>();
    private final List<CompletableFuture<Integer>> exits = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        background.forEach(Thread::interrupt);
        for (CompletableFuture<Integer> exit : exits) {
            assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        }
    }

    /** Runs a long-lived command in a thread; returns its output, growing as it prints. */
    private StringWriter start(String... args) {
        StringWriter out = new StringWriter();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            CommandLine cli = ConduitCli.commandLine();
            cli.setOut(new PrintWriter(out, true));
            exit.complete(cli.execute(args));
        });
        t.start();
        background.add(t);
        exits.add(exit);
        return out;
    }

    private String server(String... uris) {
        String[] args = new String[uris.length + 1];
        args[0] = "kv-server";
        System.arraycopy(uris, 0, args, 1, uris.length);
        StringWriter out = start(args);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> out.toString().lines().count() >= uris.length);
        List<String> lines = out.toString().lines().toList();
        for (int i = 0; i < uris.length; i++) {
            assertThat(lines.get(i)).startsWith("listening on ");
        }
        return lines.get(0).substring("listening on ".length());
    }

    @Test
    void kvServerPrintsOneListeningLinePerUri() {
        String a = "inproc://kv-a-" + NAMES.incrementAndGet();
        String b = "inproc://kv-b-" + NAMES.incrementAndGet();
        StringWriter out = start("kv-server", a, b);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> out.toString().lines().count() >= 2);
        assertThat(out.toString().lines()).containsExactly("listening on " + a, "listening on " + b);
        assertThat(CliTest.run("kv", b, "put", "shared", "yes").exitCode()).isZero();
        assertThat(CliTest.run("kv", a, "get", "shared").out().strip()).isEqualTo("yes");
    }

    /** The README's walkthrough: one store served over tcp and shm at once, called over either. */
    @Test
    void oneStoreOverTcpAndShmAtOnce() throws Exception {
        java.io.File dir = java.nio.file.Files.createTempDirectory("kv-cli").toFile();
        dir.deleteOnExit(); // the transport removes its files when the server closes
        String shm = "shm://kv-cli-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet() + "?dir=" + dir;
        StringWriter out = start("kv-server", "tcp://127.0.0.1:0", shm);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> out.toString().lines().count() >= 2);
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(0)).matches("listening on tcp://127\\.0\\.0\\.1:[1-9][0-9]*");
        assertThat(lines.get(1)).isEqualTo("listening on " + shm);
        String tcp = lines.get(0).substring("listening on ".length());

        Run put = CliTest.run("kv", tcp, "put", "fruit/apple", "red");
        assertThat(put.exitCode()).as(put.err()).isZero();
        assertThat(CliTest.run("kv", shm, "put", "fruit/kiwi", "green").exitCode())
                .isZero();
        assertThat(CliTest.run("kv", shm, "scan", "fruit/").out().lines())
                .containsExactly("fruit/apple=red", "fruit/kiwi=green");
        assertThat(CliTest.run("kv", tcp, "get", "fruit/kiwi").out().strip()).isEqualTo("green");
        Run missing = CliTest.run("kv", shm, "get", "fruit/pear");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().strip()).isEqualTo("NOT_FOUND: fruit/pear");
    }

    /** The same store as plain gRPC: grpc:// beside Conduit's own transport, with the same exit codes. */
    @Test
    void oneStoreOverGrpcAndInproc() {
        String inproc = "inproc://kv-grpc-" + NAMES.incrementAndGet();
        StringWriter out = start("kv-server", "grpc://127.0.0.1:0", inproc);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> out.toString().lines().count() >= 2);
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(0)).matches("listening on grpc://127\\.0\\.0\\.1:[1-9][0-9]*");
        String grpc = lines.get(0).substring("listening on ".length());

        Run put = CliTest.run("kv", grpc, "put", "fruit/apple", "red");
        assertThat(put.exitCode()).as(put.err()).isZero();
        assertThat(CliTest.run("kv", inproc, "get", "fruit/apple").out().strip())
                .isEqualTo("red");
        CliTest.run("kv", inproc, "put", "fruit/kiwi", "green");
        assertThat(CliTest.run("kv", grpc, "scan", "fruit/").out().lines())
                .containsExactly("fruit/apple=red", "fruit/kiwi=green");
        Run missing = CliTest.run("kv", grpc, "get", "fruit/pear");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().strip()).isEqualTo("NOT_FOUND: fruit/pear");
    }

    @Test
    void kvServerOverTlsPrintsAUriWithoutItsKey() {
        TestPki pki = TestPki.get();
        StringWriter out = start("kv-server", "tcps://127.0.0.1:0?" + pki.serverOptions() + "&tls.trust=" + pki.ca());
        await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("\n"));
        String line = out.toString().lines().findFirst().orElseThrow();
        assertThat(line)
                .startsWith("listening on tcps://127.0.0.1:")
                .doesNotContain("tls.key", pki.key("server").toString(), "maxFrame", "sendLimit");
        String uri = line.substring("listening on ".length());
        Run put = CliTest.run("kv", uri, "put", "secret", "safe");
        assertThat(put.exitCode()).as(put.err()).isZero();
    }

    @Test
    void kvServerOverGrpcsPrintsAUriWithoutItsKeyThatAClientCanUse() {
        TestPki pki = TestPki.get();
        StringWriter out = start("kv-server", "grpcs://127.0.0.1:0?" + pki.serverOptions() + "&tls.trust=" + pki.ca());
        await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("\n"));
        String line = out.toString().lines().findFirst().orElseThrow();
        assertThat(line)
                .matches("listening on grpcs://127\\.0\\.0\\.1:[1-9][0-9]*\\?.*")
                .doesNotContain("tls.key", "tls.cert", pki.key("server").toString())
                .contains("tls.trust=");
        String uri = line.substring("listening on ".length());
        Run put = CliTest.run("kv", uri, "put", "secret", "safe");
        assertThat(put.exitCode()).as(put.err()).isZero();
        assertThat(CliTest.run("kv", uri, "get", "secret").out().strip()).isEqualTo("safe");
    }

    @Test
    void putGetDeleteAndScan() {
        String uri = server("inproc://kv-" + NAMES.incrementAndGet());
        Run put = CliTest.run("kv", uri, "put", "fruit/apple", "red");
        assertThat(put.exitCode()).as(put.err()).isZero();
        assertThat(put.out().strip()).isEqualTo("OK");
        CliTest.run("kv", uri, "put", "fruit/kiwi", "green");
        CliTest.run("kv", uri, "put", "veg/leek", "white");
        assertThat(CliTest.run("kv", uri, "get", "fruit/kiwi").out().strip()).isEqualTo("green");
        assertThat(CliTest.run("kv", uri, "scan", "fruit/").out().lines())
                .containsExactly("fruit/apple=red", "fruit/kiwi=green");
        Run delete = CliTest.run("kv", uri, "delete", "fruit/kiwi");
        assertThat(delete.exitCode()).isZero();
        assertThat(CliTest.run("kv", uri, "scan", "fruit/").out().lines()).containsExactly("fruit/apple=red");
    }

    @Test
    void aMissingKeyPrintsNotFoundOnStderrAndExitsTwo() {
        String uri = server("inproc://kv-" + NAMES.incrementAndGet());
        Run get = CliTest.run("kv", uri, "get", "no/such/key");
        assertThat(get.exitCode()).isEqualTo(2);
        assertThat(get.err().strip()).isEqualTo("NOT_FOUND: no/such/key");
        assertThat(get.out()).isEmpty();
        Run delete = CliTest.run("kv", uri, "delete", "no/such/key");
        assertThat(delete.exitCode()).isEqualTo(2);
        assertThat(delete.err().strip()).isEqualTo("NOT_FOUND: no/such/key");
    }

    @Test
    void anyOtherRpcFailurePrintsStatusAndMessageAndExitsOne() {
        Run get = CliTest.run("kv", "inproc://kv-nobody-" + NAMES.incrementAndGet(), "get", "k");
        assertThat(get.exitCode()).isEqualTo(1);
        assertThat(get.err().strip()).startsWith("UNAVAILABLE: ");
    }

    @Test
    void usageErrorsAreNeitherOneNorTwo() {
        assertThat(CliTest.run("kv").exitCode()).isEqualTo(ConduitCli.USAGE_ERROR);
    }

    @Test
    void watchPrintsChangesAsTheyHappen() {
        String uri = server("inproc://kv-" + NAMES.incrementAndGet());
        StringWriter watch = start("kv", uri, "watch", "w/");
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.toString().contains("watching"));
        CliTest.run("kv", uri, "put", "w/a", "1");
        CliTest.run("kv", uri, "put", "x/ignored", "2");
        CliTest.run("kv", uri, "delete", "w/a");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() ->
                        assertThat(watch.toString().lines()).containsExactly("watching", "PUT w/a=1", "DELETE w/a"));
    }
}
