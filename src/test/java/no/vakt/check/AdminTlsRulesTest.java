package no.vakt.check;

import static no.vakt.check.States.primary;
import static no.vakt.check.States.standby;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.function.UnaryOperator;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.db.SessionTls;
import no.vakt.db.TlsFailure;
import org.junit.jupiter.api.Test;

/** admin-tls, over hand-made observations: the severity an operator of a two-site pair expects. */
class AdminTlsRulesTest {
    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path certsDir;

    static no.vakt.lab.TlsCerts certs;

    @org.junit.jupiter.api.BeforeAll
    static void certificates() throws Exception {
        certs = no.vakt.lab.TlsCerts.create(certsDir, List.of("10.0.1.10"));
    }

    private static final String REPLICATION_TLS_WITH_CA = "tls:\n    enabled: true\n    ca: /etc/vakt/tls/ca.pem";

    /** Both nodes as the probe saw them, each session with the TLS setting its config gives it. */
    private static List<Finding> seen(VaktConfig config, String protocol) {
        return AdminTlsRules.adminTls(config, States.observations(config, opened(config, primary().build(config), protocol),
                opened(config, standby().build(config), protocol)));
    }

    private static NodeState opened(VaktConfig config, NodeState s, String protocol) {
        var tls = s.node().mysql().tls();
        return new NodeState(s.node(), true, null, s.variables(), s.replica(), s.heartbeatLagMs(), s.binlogFilters(),
                s.semiSyncStatus(), new SessionTls(tls, tls.encrypted() ? protocol : null,
                        tls.encrypted() ? "TLS_AES_256_GCM_SHA384" : null));
    }

    /**
     * States' healthy config without the template's explicit plaintext for servers without certificates
     * ({@code tls: {mode: disable}} on each node), so the nodes get the default: nobody chose anything.
     */
    private static VaktConfig config(UnaryOperator<String> edit) {
        return States.config(t -> edit.apply(t.replaceAll("(?m)^ {10}tls: \\{mode: disable}.*\n", "")));
    }

    private static VaktConfig config() {
        return config(t -> t);
    }

    /** oslo-db (the first node) with its own mysql.tls. */
    private static VaktConfig withOsloTls(String flow) {
        String line = "          password-file: /etc/vakt/admin.password\n";
        return config(t -> {
            int at = t.indexOf(line) + line.length();
            return t.substring(0, at) + "          tls: " + flow + "\n" + t.substring(at);
        });
    }

    @Test
    void plaintextBetweenSitesThatNobodyChoseIsAnErrorOnEachNode() {
        VaktConfig config = config();
        List<Finding> f = seen(config, null);
        assertThat(f).extracting(Finding::id, Finding::severity, Finding::node)
                .containsExactly(tuple("admin-tls", Severity.ERROR, "oslo-db"), tuple("admin-tls", Severity.ERROR, "bergen-db"));
        assertThat(f.get(0).message()).isEqualTo("Vakt's admin connection to 10.0.1.10:3306 is not encrypted (no mysql.tls"
                + " and replication.tls off): its login and the replication password (CHANGE MASTER) cross the"
                + " network readable, and the pair spans sites oslo and bergen");
        assertThat(f.get(1).fix()).startsWith("add under sites[1].nodes[0].mysql: tls: {mode: verify-full, ca: /etc/vakt/tls/ca.pem}")
                .contains("or enable replication.tls with its ca");
        List<Finding> all = Preflight.evaluate(config, States.observations(config,
                opened(config, primary().build(config), null), opened(config, standby().build(config), null)));
        assertThat(all).filteredOn(x -> x.severity() == Severity.ERROR).extracting(Finding::id).containsOnly("admin-tls");
        assertThat(Preflight.ready(all)).isFalse();
    }

    @Test
    void plaintextInsideOneSiteAndZoneIsAWarning() {
        VaktConfig oneSite = config(t -> t.replace("  - name: bergen\n    zone: bergen-1\n    country: NO\n    nodes:\n", ""));
        assertThat(oneSite.siteOf(oneSite.standby()).name()).isEqualTo("oslo");
        assertThat(seen(oneSite, null)).extracting(Finding::severity).containsOnly(Severity.WARNING);
        assertThat(seen(oneSite, null).get(0).message()).endsWith("(inside one site and zone)");

        VaktConfig twoZones = config(t -> t.replace("  - name: bergen\n    zone: bergen-1\n    country: NO\n    nodes:\n", "")
                .replace("      - name: bergen-db\n", "      - name: bergen-db\n        zone: oslo-2\n"));
        assertThat(seen(twoZones, null)).extracting(Finding::severity).containsOnly(Severity.ERROR);
        assertThat(seen(twoZones, null).get(1).message()).endsWith("the pair spans zones oslo-1 and oslo-2");
    }

    @Test
    void plaintextChosenExplicitlyIsAWarningThatNamesWhereItWasChosen() {
        VaktConfig config = withOsloTls("{mode: disable}");
        Finding oslo = seen(config, null).get(0);
        assertThat(oslo.severity()).isEqualTo(Severity.WARNING);
        assertThat(oslo.message()).contains("chosen by mode: disable while the pair spans sites oslo and bergen",
                "(VPN, IPsec, WireGuard)");
        assertThat(oslo.fix()).startsWith("at sites[0].nodes[0].mysql.tls at /etc/vakt/vakt.yml:").contains(
                "replace mode: disable with mode: verify-full and ca: FILE");
    }

    @Test
    void verifiedTlsIsOkAndSaysWhatWasVerifiedAndWhere() {
        VaktConfig config = config(t -> t.replace("tls:\n    enabled: false", REPLICATION_TLS_WITH_CA));
        List<Finding> f = seen(config, "TLSv1.3");
        assertThat(f).extracting(Finding::severity).containsOnly(Severity.OK);
        assertThat(f.get(1).message()).startsWith("admin connection to 10.0.2.10:3306 encrypted (TLSv1.3 TLS_AES_256_GCM_SHA384),"
                + " certificate and host name verified against CA /etc/vakt/tls/ca.pem, set by replication.tls at /etc/vakt/vakt.yml:");

        VaktConfig verifyCa = withOsloTls("{mode: verify-ca, ca: " + certs.ca() + "}"); // a node's own CA must exist
        assertThat(seen(verifyCa, "TLSv1.2").get(0).message()).contains("encrypted (TLSv1.2 TLS_AES_256_GCM_SHA384),"
                + " certificate verified (host name not checked) against CA " + certs.ca() + ", set by sites[0].nodes[0].mysql.tls");
    }

    @Test
    void tlsThatDoesNotCheckTheCertificateIsAWarningWithTheLinesToAdd() {
        VaktConfig config = config(t -> t.replace("tls:\n    enabled: false", "tls:\n    enabled: true"));
        List<Finding> f = seen(config, "TLSv1.3");
        assertThat(f).extracting(Finding::severity).containsOnly(Severity.WARNING);
        assertThat(f.get(0).message()).contains("is encrypted (TLSv1.3 TLS_AES_256_GCM_SHA384) but the certificate is not"
                + " checked (mode trust, set by replication.tls");
        assertThat(f.get(0).fix()).startsWith("add the CA that signed the servers' certificates as replication.tls.ca: FILE");
    }

    @Test
    void loopbackNeverLeavesTheHost() {
        VaktConfig config = config(t -> t.replace(States.PRIMARY_HOST, "127.0.10.1").replace(States.STANDBY_HOST, "127.0.20.1"));
        List<Finding> f = seen(config, null);
        assertThat(f).extracting(Finding::severity).containsOnly(Severity.OK);
        assertThat(f.get(0).message()).isEqualTo("admin connection to 127.0.10.1:3306 is plaintext, on loopback: it never"
                + " leaves this host");
    }

    @Test
    void aTlsFailureIsAnErrorWithTheFixForThatFailure() {
        VaktConfig config = config(t -> t.replace("tls:\n    enabled: false", REPLICATION_TLS_WITH_CA));
        String error = "TLS with 10.0.2.10:3306 failed: " + TlsFailure.UNTRUSTED.phrase() + " (Path does not chain with any"
                + " of the trust anchors); point mysql.tls.ca at ...; the connection uses verify-full against CA"
                + " /etc/vakt/tls/ca.pem, set by replication.tls at /etc/vakt/vakt.yml:45 (the node has no mysql.tls)";
        NodeState down = NodeState.unreachable(config.standby(), error);
        List<Finding> f = AdminTlsRules.adminTls(config, States.observations(config, opened(config, primary().build(config), "TLSv1.3"), down));
        assertThat(f).extracting(Finding::node, Finding::severity)
                .containsExactly(tuple("oslo-db", Severity.OK), tuple("bergen-db", Severity.ERROR));
        assertThat(f.get(1).message()).contains(TlsFailure.UNTRUSTED.phrase(), "verify-full against CA /etc/vakt/tls/ca.pem");
        assertThat(f.get(1).fix()).isEqualTo("set sites[1].nodes[0].mysql.tls.ca (or replication.tls.ca) to the CA that signed"
                + " bergen-db's certificate (the issuer of the file in its ssl_cert)");
        // Not a network problem: the reachable finding gives the same fix, not "check that mariadbd runs".
        assertThat(ServerRules.reachability(config, States.observations(config, primary().build(config), down)))
                .filteredOn(x -> x.severity() == Severity.ERROR).singleElement()
                .satisfies(x -> assertThat(x.fix()).isEqualTo(f.get(1).fix()));

        NodeState refused = NodeState.unreachable(config.standby(), "Socket fail to connect to host:address=(host=10.0.2.10)");
        assertThat(AdminTlsRules.adminTls(config, States.observations(config, primary().build(config), refused))).isEmpty();
    }

    @Test
    void sessionsTheProbeDidNotOpenAreNotJudged() {
        VaktConfig config = config();
        assertThat(AdminTlsRules.adminTls(config, States.healthy(config))).isEmpty();
        VaktConfig asRendered = States.config(); // the template's explicit plaintext, as the other rule tests see it
        assertThat(asRendered.primary().mysql().tls().source()).isEqualTo(no.vakt.config.AdminTls.Source.NODE);
        assertThat(AdminTlsRules.adminTls(asRendered, States.healthy(asRendered))).isEmpty();
    }
}
