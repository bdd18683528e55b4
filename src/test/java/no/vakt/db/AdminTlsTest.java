package no.vakt.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import no.vakt.config.AdminTls;
import no.vakt.config.ConfigLoader;
import no.vakt.config.Node;
import no.vakt.config.TlsMode;
import no.vakt.config.VaktConfig;
import no.vakt.lab.MariaDbServer;
import no.vakt.lab.SiteProfile;
import no.vakt.lab.TlsCerts;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/**
 * Vakt's own connections over TLS, against real mariadbd servers with certificates from a private CA:
 * the default follows replication.tls, a server that refuses plaintext is reachable, and every TLS
 * failure is an error that names what failed, never a quiet fall back to plaintext.
 */
class AdminTlsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Both servers with the pair's CA and a certificate naming both addresses; config untouched. */
    static TlsCerts serveTls(TestPair pair) throws Exception {
        TlsCerts certs = TlsCerts.create(pair.dir.resolve("tls"), List.of(pair.primary.host(), pair.standby.host()));
        pair.restartWith(pair.primary, SiteProfile.tls(certs));
        pair.restartWith(pair.standby, SiteProfile.tls(certs));
        return certs;
    }

    /**
     * The pair's config as the lab writes it for servers with TLS: replication.tls enabled and verified
     * against {@code ca}, no tls: on the nodes (the template's explicit plaintext for servers without
     * certificates removed), so the admin connections get the new default.
     */
    static Path replicationTls(TestPair pair, Path ca) throws Exception {
        return pair.rewriteConfig(t -> withoutNodeTls(t).replace("  tls:\n    enabled: false\n",
                "  tls:\n    enabled: true\n    ca: " + ca + "\n"));
    }

    static String withoutNodeTls(String yaml) {
        String out = yaml.replaceAll("(?m)^ {10}tls: \\{mode: disable}.*\n", "");
        assertThat(out).doesNotContain("mode: disable");
        return out;
    }

    /** A copy of the pair's config with an edit, beside it. */
    static Path variant(TestPair pair, String name, UnaryOperator<String> edit) throws Exception {
        Path f = pair.dir.resolve(name + ".yml");
        Files.writeString(f, edit.apply(Files.readString(pair.configFile)));
        return f;
    }

    /** oslo-db's mysql section with a tls: line added (any other node tls: removed). */
    static UnaryOperator<String> osloTls(String flow) {
        return text -> {
            String t = withoutNodeTls(text);
            int oslo = t.indexOf("- name: oslo-db");
            int pw = t.indexOf("password-file:", oslo);
            int eol = t.indexOf('\n', pw) + 1;
            return t.substring(0, eol) + "          tls: " + flow + "\n" + t.substring(eol);
        };
    }

    static JsonNode check(Path config) {
        Cli r = Cli.run("check", "--config", config.toString(), "--json", "--no-canary");
        try {
            return JSON.readTree(r.out());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.out() + r.err(), e);
        }
    }

    static List<JsonNode> findings(JsonNode check, String id, String node) {
        List<JsonNode> out = new ArrayList<>();
        check.get("findings").forEach(f -> {
            if (f.get("id").asText().equals(id) && node.equals(f.get("node").asText(null))) out.add(f);
        });
        return out;
    }

    static JsonNode finding(JsonNode check, String id, String node) {
        List<JsonNode> hits = findings(check, id, node);
        assertThat(hits).as("%s on %s in %s", id, node, check.toPrettyString()).hasSize(1);
        return hits.get(0);
    }

    static SQLException openFails(Node node) {
        SQLException e = catchThrowableOfType(SQLException.class, () -> new NodeInspector(TIMEOUT).open(node).close());
        assertThat((Throwable) e).as("expected the connection to %s to fail", node.name()).isNotNull();
        return e;
    }

    @Test
    void aServerThatRequiresSecureTransportIsReachableWithTheReplicationTlsDefault() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TlsCerts certs = serveTls(pair);
            Path config = replicationTls(pair, certs.ca());
            ReplicationFixture.start(pair); // vakt replicate, over verified TLS admin connections
            // Set at run time: the harness's own root login is plaintext TCP, refused from here on.
            for (MariaDbServer s : List.of(pair.primary, pair.standby)) {
                TestPair.sql(s, "SET GLOBAL require_secure_transport = ON");
            }

            VaktConfig c = ConfigLoader.load(config);
            for (Node n : c.nodes()) {
                assertThat(n.mysql().tls().mode()).isEqualTo(TlsMode.VERIFY_FULL);
                assertThat(n.mysql().tls().source()).isEqualTo(AdminTls.Source.REPLICATION);
                try (DbSession db = new NodeInspector(TIMEOUT).open(n)) {
                    assertThat(db.sessionTls().protocol()).startsWith("TLSv1.");
                    assertThat(db.sessionTls().cipher()).isNotBlank();
                    assertThat(db.scalar("SELECT @@GLOBAL.require_secure_transport")).contains("1");
                }
            }

            Cli status = Cli.run("status", "--config", config.toString());
            assertThat(status.exitCode()).as(status.out() + status.err()).isZero();
            assertThat(status.out()).doesNotContain("Access denied").doesNotContain("TLS with");

            JsonNode check = check(config);
            for (String node : List.of("oslo-db", "bergen-db")) {
                assertThat(finding(check, "reachable", node).get("severity").asText()).isEqualTo("OK");
                JsonNode tls = finding(check, "admin-tls", node);
                assertThat(tls.get("severity").asText()).isEqualTo("OK");
                assertThat(tls.get("message").asText()).contains("encrypted (TLSv1.")
                        .contains("certificate and host name verified against CA " + certs.ca())
                        .contains("set by replication.tls at " + config);
            }
            assertThat(check.get("ready").asBoolean()).as(check.toPrettyString()).isTrue();

            // The same server with the admin connection explicitly in plaintext: refused, and said so.
            Path plain = variant(pair, "plain", osloTls("{mode: disable}"));
            SQLException e = openFails(ConfigLoader.load(plain).primary());
            System.out.println("plaintext against require_secure_transport=ON: " + Errors.describe(e));
            // MariaDB says "Access denied", as for a wrong password; one TLS login tells the two apart.
            assertThat(Errors.describe(e)).startsWith("TLS with " + pair.primary.host() + ":" + pair.primary.port()
                            + " failed: " + TlsFailure.SERVER_REQUIRES_TLS.phrase()
                            + " (denied in plaintext, accepted over TLS: require_secure_transport=ON)")
                    .contains("set mysql.tls to {mode: verify-full, ca: FILE}")
                    .contains("the connection uses disable (plaintext), set by sites[0].nodes[0].mysql.tls at " + plain);
            assertThat(e.getCause()).hasMessageContaining("Access denied");
            JsonNode refused = finding(check(plain), "admin-tls", "oslo-db");
            assertThat(refused.get("severity").asText()).isEqualTo("ERROR");
            assertThat(refused.get("fix").asText()).isEqualTo("at sites[0].nodes[0].mysql.tls at " + plain + ":29: replace"
                    + " mode: disable with mode: verify-full and ca: FILE (the CA that signed oslo-db's certificate)");
        }
    }

    @Test
    void aWrongCaFailsVerificationWithAClearErrorAndNoFallback() throws Exception {
        try (TestPair pair = TestPair.start()) {
            serveTls(pair);
            TlsCerts other = TlsCerts.create(pair.dir.resolve("other-ca"), List.of(pair.primary.host()));
            Path config = replicationTls(pair, other.ca());
            Node oslo = ConfigLoader.load(config).primary();

            SQLException e = openFails(oslo);
            System.out.println("wrong CA: " + Errors.describe(e));
            assertThat((Throwable) e).isInstanceOf(SQLNonTransientConnectionException.class);
            assertThat(e.getSQLState()).isEqualTo("08000");
            assertThat(e.getCause()).as("the driver's failure is kept").isNotNull();
            assertThat(Errors.describe(e))
                    .startsWith("TLS with " + oslo.mysql().address() + " failed: " + TlsFailure.UNTRUSTED.phrase())
                    .contains("the connection uses verify-full against CA " + other.ca())
                    .contains("set by replication.tls at " + config + ":");

            Cli status = Cli.run("status", "--config", config.toString());
            assertThat(status.exitCode()).isEqualTo(1);
            assertThat(status.out() + status.err()).contains(TlsFailure.UNTRUSTED.phrase());

            // A CA file that holds no certificate: the driver's failure, named.
            Path notPem = Files.writeString(pair.dir.resolve("notes.pem"), "not a certificate\n");
            Path garbageCa = variant(pair, "garbage-ca", t -> t.replace("ca: " + other.ca(), "ca: " + notPem));
            SQLException garbage = openFails(ConfigLoader.load(garbageCa).primary());
            System.out.println("CA file without a certificate: " + Errors.describe(garbage));
            assertThat(Errors.describe(garbage)).contains(TlsFailure.CA_INVALID.phrase());

            JsonNode check = check(config);
            JsonNode f = finding(check, "admin-tls", "oslo-db");
            assertThat(f.get("severity").asText()).isEqualTo("ERROR");
            assertThat(f.get("message").asText()).contains(TlsFailure.UNTRUSTED.phrase());
            assertThat(f.get("fix").asText()).contains("set sites[0].nodes[0].mysql.tls.ca (or replication.tls.ca)"
                    + " to the CA that signed oslo-db's certificate");
            assertThat(check.get("ready").asBoolean()).isFalse();
        }
    }

    @Test
    void tlsAskedForAgainstAServerWithoutTlsIsAnErrorInEveryMode() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TlsCerts certs = TlsCerts.create(pair.dir.resolve("tls"), List.of(pair.primary.host()));
            for (String flow : List.of("{mode: trust}", "{mode: verify-ca, ca: " + certs.ca() + "}", "{ca: " + certs.ca() + "}")) {
                Node oslo = ConfigLoader.load(variant(pair, "no-tls", osloTls(flow))).primary();
                SQLException e = openFails(oslo);
                assertThat(Errors.describe(e)).as(flow).contains(TlsFailure.SERVER_WITHOUT_TLS.phrase())
                        .contains("give the server ssl_cert, ssl_key and ssl_ca");
            }
            // Plaintext only when nothing asks for TLS: here the template's explicit mode: disable.
            assertThat(pair.config().primary().mysql().tls().source()).isEqualTo(AdminTls.Source.NODE);
            try (DbSession db = new NodeInspector(TIMEOUT).open(pair.config().primary())) {
                assertThat(db.sessionTls().encrypted()).isFalse();
                assertThat(db.sessionTls().describe()).isEqualTo("plaintext");
            }
        }
    }

    @Test
    void aCertificateForAnotherAddressFailsVerifyFullButPassesVerifyCa() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TlsCerts elsewhere = TlsCerts.create(pair.dir.resolve("elsewhere"), List.of("127.0.0.99"));
            pair.restartWith(pair.primary, SiteProfile.tls(elsewhere));

            Node full = ConfigLoader.load(variant(pair, "full", osloTls("{mode: verify-full, ca: " + elsewhere.ca() + "}"))).primary();
            SQLException e = openFails(full);
            System.out.println("host name mismatch: " + Errors.describe(e));
            assertThat(Errors.describe(e)).contains(TlsFailure.HOST_MISMATCH.phrase()).contains("mysql.tls.mode: verify-ca");

            Node ca = ConfigLoader.load(variant(pair, "ca", osloTls("{mode: verify-ca, ca: " + elsewhere.ca() + "}"))).primary();
            try (DbSession db = new NodeInspector(TIMEOUT).open(ca)) {
                assertThat(db.sessionTls().protocol()).startsWith("TLSv1.");
            }
        }
    }

    @Test
    void anInheritedCaMissingOnThisHostFailsAtConnectNamingTheFileAndTheSetting(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path config = dir.resolve("vakt.yml");
        String yaml = new no.vakt.lab.LabConfigTemplate("t", "127.0.0.1", 1, "127.0.0.2", 1, "vakt", dir.resolve("pw"),
                "repl", dir.resolve("pw"), List.of("shop"), "manual", Path.of("/nonexistent/ca.pem"), false, "127.0.0.1").render();
        Files.writeString(config, yaml);
        Files.writeString(dir.resolve("pw"), "x\n");
        Node oslo = ConfigLoader.load(config).primary();
        SQLException e = openFails(oslo);
        assertThat(Errors.describe(e)).startsWith("TLS with 127.0.0.1:1 failed: " + TlsFailure.CA_UNREADABLE.phrase()
                        + " (/nonexistent/ca.pem does not exist)")
                .contains("set by replication.tls at " + config + ":");
    }
}
