package no.vakt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import no.vakt.lab.TlsCerts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mysql.tls: the admin connections' TLS, its default from replication.tls, and its errors. */
class AdminTlsConfigTest {
    @TempDir
    static Path certsDir;

    @TempDir
    Path dir;

    static TlsCerts certs;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TlsCerts.create(certsDir, List.of("127.0.0.1"));
    }

    /**
     * ConfigLoaderTest.VALID with oslo-db's {@code tls:} (written from column 1, indented here under its
     * mysql section, which puts it on line 20) and replication's (appended, from line 34).
     */
    private static String config(String osloTls, String replicationTls) {
        String yaml = ConfigLoaderTest.VALID;
        if (osloTls != null) {
            String indented = osloTls.lines().map(l -> "          " + l + "\n").collect(java.util.stream.Collectors.joining());
            yaml = yaml.replace("password-file: secrets/admin.pw\n", "password-file: secrets/admin.pw\n" + indented);
        }
        if (replicationTls != null) yaml = yaml + replicationTls;
        return yaml;
    }

    private VaktConfig load(String yaml) throws Exception {
        Path f = dir.resolve("vakt.yml");
        Files.writeString(f, yaml);
        return ConfigLoader.load(f);
    }

    private List<ConfigProblem> problems(String yaml) throws Exception {
        Path f = dir.resolve("vakt.yml");
        Files.writeString(f, yaml);
        ConfigException e = (ConfigException) catchThrowable(() -> ConfigLoader.load(f));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.problems();
    }

    private ConfigProblem onlyProblem(String yaml) throws Exception {
        List<ConfigProblem> all = problems(yaml);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    @Test
    void withoutAnyTlsTheAdminConnectionsArePlaintextByDefault() throws Exception {
        VaktConfig c = load(config(null, null));
        for (Node n : c.nodes()) {
            assertThat(n.mysql().tls().mode()).isEqualTo(TlsMode.DISABLE);
            assertThat(n.mysql().tls().source()).isEqualTo(AdminTls.Source.DEFAULT);
        }
    }

    @Test
    void replicationTlsWithACaGivesEveryNodeVerifiedTlsWithThatCa() throws Exception {
        VaktConfig c = load(config(null, "  tls:\n    enabled: true\n    ca: tls/ca.pem\n"));
        for (Node n : c.nodes()) {
            AdminTls t = n.mysql().tls();
            assertThat(t.mode()).isEqualTo(TlsMode.VERIFY_FULL);
            assertThat(t.ca()).isEqualTo(dir.resolve("tls/ca.pem"));
            assertThat(t.source()).isEqualTo(AdminTls.Source.REPLICATION);
            assertThat(t.origin()).isEqualTo("replication.tls at " + dir.resolve("vakt.yml") + ":34 (the node has no mysql.tls)");
        }
    }

    @Test
    void replicationTlsMapsOntoConnectorJModes() throws Exception {
        AdminTls noVerify = load(config(null, "  tls:\n    enabled: true\n    ca: ca.pem\n    verify-server-cert: false\n"))
                .primary().mysql().tls();
        assertThat(noVerify.mode()).isEqualTo(TlsMode.VERIFY_CA); // libmariadb checks the chain whenever a CA is given
        assertThat(noVerify.ca()).isEqualTo(dir.resolve("ca.pem"));

        AdminTls noCa = load(config(null, "  tls:\n    enabled: true\n")).primary().mysql().tls();
        assertThat(noCa.mode()).isEqualTo(TlsMode.TRUST);
        assertThat(noCa.ca()).isNull();

        AdminTls systemCas = load(config(null, "  tls:\n    enabled: true\n    verify-server-cert: true\n")).primary().mysql().tls();
        assertThat(systemCas.mode()).isEqualTo(TlsMode.VERIFY_FULL);
        assertThat(systemCas.describe()).isEqualTo("verify-full against the JVM's trusted CAs");

        AdminTls off = load(config(null, "  tls:\n    enabled: false\n    ca: ca.pem\n")).primary().mysql().tls();
        assertThat(off).isEqualTo(AdminTls.NONE);
    }

    @Test
    void aNodesOwnTlsWinsAndDefaultsToVerifyFull() throws Exception {
        VaktConfig c = load(config("tls:\n  ca: " + certs.ca() + "\n", "  tls:\n    enabled: true\n"));
        AdminTls oslo = c.primary().mysql().tls();
        assertThat(oslo.mode()).isEqualTo(TlsMode.VERIFY_FULL);
        assertThat(oslo.ca()).isEqualTo(certs.ca());
        assertThat(oslo.source()).isEqualTo(AdminTls.Source.NODE);
        assertThat(oslo.origin()).startsWith("sites[0].nodes[0].mysql.tls at " + dir.resolve("vakt.yml") + ":20");
        assertThat(c.standby().mysql().tls().mode()).isEqualTo(TlsMode.TRUST); // follows replication.tls (no CA)
    }

    @Test
    void explicitModesAreRead() throws Exception {
        for (TlsMode mode : TlsMode.values()) {
            String ca = mode.verifies() ? ", ca: " + certs.ca() : "";
            AdminTls t = load(config("tls: {mode: " + mode.label() + ca + "}\n", null)).primary().mysql().tls();
            assertThat(t.mode()).isEqualTo(mode);
            assertThat(t.source()).isEqualTo(AdminTls.Source.NODE);
        }
    }

    @Test
    void explicitDisableOverridesReplicationTls() throws Exception {
        AdminTls t = load(config("tls: {mode: disable}\n", "  tls:\n    enabled: true\n    ca: ca.pem\n"))
                .primary().mysql().tls();
        assertThat(t.mode()).isEqualTo(TlsMode.DISABLE);
        assertThat(t.source()).isEqualTo(AdminTls.Source.NODE);
    }

    @Test
    void unknownModeListsTheModesWithFileLineColumnAndField() throws Exception {
        ConfigProblem p = onlyProblem(config("tls:\n  mode: required\n", null));
        assertThat(p.field()).isEqualTo("sites[0].nodes[0].mysql.tls.mode");
        assertThat(p.line()).isEqualTo(21);
        assertThat(p.column()).isEqualTo(13);
        assertThat(p.message()).isEqualTo("expected one of disable, trust, verify-ca, verify-full; got 'required'");
        assertThat(p.toString()).startsWith(dir.resolve("vakt.yml") + ":21:13: sites[0].nodes[0].mysql.tls.mode: ");
    }

    @Test
    void unknownKeyUnderTlsNamesTheKeysAllowed() throws Exception {
        ConfigProblem p = onlyProblem(config("tls:\n  verify-server-cert: true\n", null));
        assertThat(p.field()).isEqualTo("sites[0].nodes[0].mysql.tls.verify-server-cert");
        assertThat(p.line()).isEqualTo(21);
        assertThat(p.message()).isEqualTo("unknown key 'verify-server-cert'; expected one of: ca, mode");
    }

    @Test
    void missingCaFileIsAConfigErrorAtTheCaLine() throws Exception {
        ConfigProblem p = onlyProblem(config("tls:\n  mode: verify-full\n  ca: tls/missing.pem\n", null));
        assertThat(p.field()).isEqualTo("sites[0].nodes[0].mysql.tls.ca");
        assertThat(p.line()).isEqualTo(22);
        assertThat(p.column()).isEqualTo(13);
        assertThat(p.message()).isEqualTo("expected a readable PEM file with the CA certificate that signed the server's"
                + " certificate; " + dir.resolve("tls/missing.pem") + " does not exist");
    }

    @Test
    void unreadableOrNonCertificateCaFilesAreConfigErrors() throws Exception {
        Path notPem = Files.writeString(dir.resolve("notes.txt"), "not a certificate\n");
        ConfigProblem garbage = onlyProblem(config("tls: {ca: " + notPem + "}\n", null));
        assertThat(garbage.field()).isEqualTo("sites[0].nodes[0].mysql.tls.ca");
        assertThat(garbage.message()).contains(notPem + " is not a PEM certificate file");

        ConfigProblem directory = onlyProblem(config("tls: {ca: " + dir + "}\n", null));
        assertThat(directory.message()).endsWith(dir + " is a directory");

        Path locked = Files.copy(certs.ca(), dir.resolve("locked.pem"));
        Files.setPosixFilePermissions(locked, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
        if (!Files.isReadable(locked)) { // root reads everything
            assertThat(onlyProblem(config("tls: {ca: " + locked + "}\n", null)).message())
                    .endsWith(locked + " is not readable by this user");
        }
    }

    @Test
    void aCaWithAModeThatDoesNotVerifyIsRefused() throws Exception {
        ConfigProblem p = onlyProblem(config("tls: {mode: trust, ca: " + certs.ca() + "}\n", null));
        assertThat(p.field()).isEqualTo("sites[0].nodes[0].mysql.tls.ca");
        assertThat(p.message()).startsWith("mode trust does not check the server's certificate, so this CA would be ignored");
    }

    @Test
    void anEmptyTlsKeyIsAnUnfinishedSectionNotADefault() throws Exception {
        ConfigProblem p = onlyProblem(config("tls:\n", null));
        assertThat(p.field()).isEqualTo("sites[0].nodes[0].mysql.tls");
        assertThat(p.message()).startsWith("expected a section with keys: mode (disable, trust, verify-ca, verify-full), ca");
    }

    @Test
    void aScalarInsteadOfASectionSaysWhatIsExpected() throws Exception {
        ConfigProblem p = onlyProblem(config("tls: verify-full\n", null));
        assertThat(p.field()).isEqualTo("sites[0].nodes[0].mysql.tls");
        assertThat(p.message()).startsWith("expected a section with keys: mode");
    }

    @Test
    void anInheritedCaIsNotCheckedAtLoad() throws Exception {
        // replication.tls.ca has always been a path the standby reads; DbSession checks it when it connects.
        VaktConfig c = load(config(null, "  tls:\n    enabled: true\n    ca: /nonexistent/ca.pem\n"));
        assertThat(c.primary().mysql().tls().ca()).isEqualTo(Path.of("/nonexistent/ca.pem"));
    }

    @Test
    void theShippedExampleFollowsItsReplicationTls() {
        VaktConfig c = ConfigLoader.load(Path.of("examples/vakt.yml"));
        for (Node n : c.nodes()) {
            assertThat(n.mysql().tls().mode()).isEqualTo(TlsMode.VERIFY_FULL);
            assertThat(n.mysql().tls().ca()).isEqualTo(Path.of("/etc/vakt/tls/ca.pem"));
        }
    }

    @Test
    void handMadeEndpointsArePlaintext() {
        MysqlEndpoint m = new MysqlEndpoint("127.0.0.1", 3306, "vakt", null, "PW", null);
        assertThat(m.tls()).isEqualTo(AdminTls.NONE);
        assertThat(m.withTls(AdminTls.ofNode(null, null, "test")).tls().mode()).isEqualTo(TlsMode.VERIFY_FULL);
    }
}
