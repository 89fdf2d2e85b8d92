package dev.conduit.transport.socket.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Certificates made at test time with the JDK's {@code keytool}, in a temp directory deleted when the JVM exits; no
 * key is ever committed. Two CAs: {@code ca} signs the server and the trusted client, {@code rogue} signs a client no
 * listener trusts. Leaf certificates name {@code localhost} and {@code 127.0.0.1}. Made once per test JVM.
 *
 * <p>Public, in this module's test-jar, for other modules' tests of {@code tcps://} (the CLI's).
 */
public final class TestPki {
    private static final String PASS = "test-only";
    private static TestPki instance;

    private final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    /** The PKI of this JVM, made on first use (a few seconds: each keytool call is a JVM). */
    public static synchronized TestPki get() {
        if (instance == null) {
            try {
                Path dir = Files.createTempDirectory("conduit-pki");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                TestPki pki = new TestPki(dir);
                pki.makeCa("ca");
                pki.makeCa("rogue");
                pki.makeLeaf("server", "ca");
                pki.makeLeaf("client", "ca");
                pki.makeLeaf("intruder", "rogue");
                instance = pki;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** PEM of the trusted CA's certificate. */
    public Path ca() {
        return dir.resolve("ca.pem");
    }

    /** PEM certificate chain of {@code name} (server, client, intruder). */
    public Path cert(String name) {
        return dir.resolve(name + "-chain.pem");
    }

    /** PEM PKCS#8 private key of {@code name}. */
    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    /** URI options for a listener with the server certificate. */
    public String serverOptions() {
        return "tls.cert=" + cert("server") + "&tls.key=" + key("server");
    }

    /** URI options for a listener that requires client certificates signed by the trusted CA. */
    public String mutualServerOptions() {
        return serverOptions() + "&tls.trust=" + ca() + "&tls.clientAuth=require";
    }

    /** URI options for a client that trusts the CA and presents the certificate of {@code name}, if not null. */
    public String clientOptions(String name) {
        String trust = "tls.trust=" + ca();
        return name == null ? trust : trust + "&tls.cert=" + cert(name) + "&tls.key=" + key(name);
    }

    private void makeCa(String name) throws IOException {
        Path store = dir.resolve(name + ".p12");
        keytool(
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=Conduit test " + name,
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                store.toString());
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                name,
                "-keystore",
                store.toString(),
                "-file",
                dir.resolve(name + ".pem").toString());
    }

    private void makeLeaf(String name, String ca) throws IOException {
        Path store = dir.resolve(name + ".p12");
        Path csr = dir.resolve(name + ".csr");
        Path crt = dir.resolve(name + ".crt");
        keytool(
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost, OU=" + name,
                "-validity",
                "2",
                "-keystore",
                store.toString());
        keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-file", csr.toString());
        keytool(
                "-gencert",
                "-rfc",
                "-alias",
                ca,
                "-keystore",
                dir.resolve(ca + ".p12").toString(),
                "-infile",
                csr.toString(),
                "-outfile",
                crt.toString(),
                "-validity",
                "2",
                "-ext",
                "san=dns:localhost,ip:127.0.0.1",
                "-ext",
                "eku=serverAuth,clientAuth");
        Files.writeString(
                cert(name), Files.readString(crt) + Files.readString(dir.resolve(ca + ".pem")), StandardCharsets.UTF_8);
        Files.writeString(key(name), pem("PRIVATE KEY", privateKey(store, name).getEncoded()));
    }

    private static PrivateKey privateKey(Path store, String alias) throws IOException {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASS.toCharArray());
            return (PrivateKey) ks.getKey(alias, PASS.toCharArray());
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot read the key of " + alias + " from " + store, e);
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASS, "-keypass", PASS, "-noprompt"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
