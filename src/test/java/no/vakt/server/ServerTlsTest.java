package no.vakt.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import no.vakt.config.ConfigLoader;
import no.vakt.config.ServerConfig;
import no.vakt.config.VaktConfig;
import no.vakt.journal.Journal;
import no.vakt.lab.Binaries;
import no.vakt.lab.TlsCerts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS from PEM files (PKCS#8 and PKCS#1 keys) and the start-up failures {@code vakt run} survives. The
 * pair's nodes point at closed ports: nothing here needs a database.
 */
class ServerTlsTest {
    @TempDir
    Path dir;

    @Test
    void servesHttpsFromPemFilesWithPkcs8AndPkcs1Keys() throws Exception {
        String host = ServerTestSupport.nextAddress();
        TlsCerts certs = TlsCerts.create(dir.resolve("tls"), List.of(host));
        assertThat(Files.readString(certs.key())).contains("BEGIN PRIVATE KEY");
        Path pkcs1 = dir.resolve("tls/server-rsa.key");
        Process p = new ProcessBuilder(Binaries.require("openssl"), "rsa", "-in", certs.key().toString(), "-traditional",
                "-out", pkcs1.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
        assertThat(Files.readString(pkcs1)).contains("BEGIN RSA PRIVATE KEY");

        VaktConfig cfg = config(host);
        HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(certs.ca())).connectTimeout(Duration.ofSeconds(2)).build();
        try (Journal journal = new Journal(dir.resolve("journal.db"), Clock.systemUTC())) {
            for (Path key : List.of(certs.key(), pkcs1)) {
                try (VaktServer s = VaktServer.builder(cfg, journal, Clock.systemUTC())
                        .serverConfig(new ServerConfig(true, host + ":0", null, null, null,
                                new ServerConfig.ServerTls(certs.cert(), key)))
                        .build().start()) {
                    assertThat(s.url()).startsWith("https://" + host + ":");
                    ServerTestSupport.Response r = new ServerTestSupport.Client(s.url(), trusting).get("/api/metrics-summary");
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.json().get("cluster").asText()).isEqualTo("tls");
                    assertThat(new ServerTestSupport.Client(s.url(), trusting).get("/metrics").body())
                            .contains("vakt_node_up{cluster=\"tls\",node=\"oslo-db\",site=\"oslo\"}");
                }
            }
        }
    }

    @Test
    void whenTheDashboardCannotStartVaktRunSaysSoAndGoesOn() throws Exception {
        String host = ServerTestSupport.nextAddress();
        VaktConfig cfg = config(host);
        Path badKey = Files.writeString(dir.resolve("bad.key"), "not a key\n");
        Path cert = Files.writeString(dir.resolve("bad.pem"), "not a cert\n");
        try (Journal journal = new Journal(dir.resolve("journal.db"), Clock.systemUTC());
                ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            List<String> lines = new ArrayList<>();
            try (VaktServer busy = VaktServer.builder(cfg, journal, Clock.systemUTC())
                    .serverConfig(new ServerConfig(true, host + ":" + taken.getLocalPort(), null, null, null, null)).build()) {
                busy.startForRun(lines::add);
            }
            assertThat(lines).singleElement().asString()
                    .startsWith("WARNING: the dashboard did not start on " + host + ":" + taken.getLocalPort())
                    .endsWith("monitoring continues");

            try (VaktServer badTls = VaktServer.builder(cfg, journal, Clock.systemUTC())
                    .serverConfig(new ServerConfig(true, host + ":0", null, null, null, new ServerConfig.ServerTls(cert, badKey)))
                    .build()) {
                assertThatThrownBy(badTls::start).hasMessageContaining("server.tls").hasMessageContaining("bad.pem");
            }
            try (VaktServer off = VaktServer.builder(cfg, journal, Clock.systemUTC())
                    .serverConfig(new ServerConfig(false, host + ":0", null, null, null, null)).build()) {
                off.startForRun(lines::add);
                assertThat(off.address()).isNull();
            }
        }
    }

    private VaktConfig config(String host) throws Exception {
        Path f = dir.resolve("vakt.yml");
        // Closed ports on this test's own address: the status probe finds both nodes unreachable at once.
        Files.writeString(f, """
                cluster: tls
                sites:
                  - name: oslo
                    country: NO
                    nodes:
                      - name: oslo-db
                        role: primary
                        mysql: {host: %s, port: %d, user: vakt, password-env: NONE}
                  - name: bergen
                    country: NO
                    nodes:
                      - name: bergen-db
                        role: standby
                        mysql: {host: %s, port: %d, user: vakt, password-env: NONE}
                replication: {user: repl, password-env: NONE, databases: [shop]}
                """.formatted(host, ServerTestSupport.freePort(host), host, ServerTestSupport.freePort(host)));
        return ConfigLoader.load(f);
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
