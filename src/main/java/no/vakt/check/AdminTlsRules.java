package no.vakt.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import no.vakt.config.AdminTls;
import no.vakt.config.LoopbackHost;
import no.vakt.config.Node;
import no.vakt.config.Site;
import no.vakt.config.TlsMode;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.db.SessionTls;
import no.vakt.db.TlsFailure;

/**
 * {@code admin-tls}: Vakt's own connection to each node. Over it go Vakt's login, the replication
 * password in clear inside {@code CHANGE MASTER TO ... MASTER_PASSWORD} and the replication account's
 * password hash, so in plaintext anyone on the path can take the accounts that read all the data.
 *
 * <p>Severity, as an operator of a two-site pair would expect it: plaintext while the pair spans
 * sites or zones and nobody chose it is an ERROR (Vakt runs at one site at most, so its connection to
 * the other node crosses between sites, and secrets crossing sites in clear are not the "appropriate
 * technical measures" of GDPR Art. 32; like a node outside the jurisdictions, that is not ready).
 * Plaintext chosen explicitly ({@code mode: disable}, say inside a VPN) and plaintext inside one site
 * and zone are WARNINGs; TLS that does not check the certificate is a WARNING (it stops listeners,
 * not impostors); loopback never leaves the host and is OK. A node whose TLS fails is an ERROR with
 * the fix for that failure. Judges only sessions the probe actually opened.
 */
final class AdminTlsRules {
    static final String ID = "admin-tls";

    private AdminTlsRules() {}

    static List<Finding> adminTls(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        o.nodes().forEach(s -> finding(config, s).ifPresent(out::add));
        return out;
    }

    private static Optional<Finding> finding(VaktConfig config, NodeState s) {
        Node node = s.node();
        AdminTls tls = node.mysql().tls();
        String name = node.name();
        String address = node.mysql().address();
        if (!s.reachable()) {
            Optional<TlsFailure> failure = TlsFailure.in(s.error());
            if (failure.isEmpty()) return Optional.empty(); // not about TLS: the reachable finding says it
            return Optional.of(Finding.error(ID, name, "Vakt's admin connection to " + address + " fails: "
                    + failure.get().phrase() + " (" + tls.describe() + ", set by " + tls.origin() + ")",
                    fix(config, node, failure.get())));
        }
        SessionTls seen = s.tls();
        if (seen == null) return Optional.empty(); // not observed through a real session
        boolean loopback = LoopbackHost.is(node.mysql().host());
        String setBy = ", set by " + tls.origin();
        switch (tls.mode()) {
            case VERIFY_FULL, VERIFY_CA -> {
                String checked = tls.mode() == TlsMode.VERIFY_FULL ? "certificate and host name verified against "
                        : "certificate verified (host name not checked) against ";
                return Optional.of(Finding.ok(ID, name, "admin connection to " + address + " encrypted (" + seen.describe()
                        + "), " + checked + (tls.ca() != null ? "CA " + tls.ca() : "the JVM's trusted CAs") + setBy));
            }
            case TRUST -> {
                if (loopback) {
                    return Optional.of(Finding.ok(ID, name, "admin connection to " + address + " encrypted (" + seen.describe()
                            + "), certificate not checked, on loopback" + setBy));
                }
                return Optional.of(Finding.warning(ID, name, "admin connection to " + address + " is encrypted ("
                                + seen.describe() + ") but the certificate is not checked (mode trust" + setBy
                                + "): whoever sits on the path can pose as " + name
                                + " and read Vakt's login and the replication password",
                        verifyFix(config, node, tls)));
            }
            default -> {
                if (loopback) {
                    return Optional.of(Finding.ok(ID, name, "admin connection to " + address
                            + " is plaintext, on loopback: it never leaves this host"));
                }
                String plaintext = "Vakt's admin connection to " + address + " is not encrypted (" + tls.origin() + "):"
                        + " its login and the replication password (CHANGE MASTER) cross the network readable";
                Optional<String> span = span(config);
                if (tls.source() == AdminTls.Source.NODE) {
                    return Optional.of(Finding.warning(ID, name, plaintext + "; chosen by mode: disable"
                                    + span.map(x -> " while the pair spans " + x + ": make sure the path between them is"
                                            + " encrypted otherwise (VPN, IPsec, WireGuard)").orElse(""),
                            "at " + tls.origin() + ": replace mode: disable with mode: verify-full and ca: FILE (the CA"
                                    + " that signed " + name + "'s certificate)"));
                }
                if (span.isPresent()) {
                    return Optional.of(Finding.error(ID, name, plaintext + ", and the pair spans " + span.get(),
                            enableFix(config, node)));
                }
                return Optional.of(Finding.warning(ID, name, plaintext + " (inside one site and zone)", enableFix(config, node)));
            }
        }
    }

    /**
     * "sites oslo and bergen" / "zones oslo-1 and oslo-2", empty when both nodes share site and zone. Symmetric,
     * so the config's role: fields do not matter.
     */
    static Optional<String> span(VaktConfig config) {
        Node p = config.primary();
        Node s = config.standby();
        Site ps = config.siteOf(p);
        Site ss = config.siteOf(s);
        if (!ps.name().equals(ss.name())) return Optional.of("sites " + ps.name() + " and " + ss.name());
        String pz = config.zoneOf(p);
        String sz = config.zoneOf(s);
        if (!Objects.equals(pz, sz)) return Optional.of("zones " + pz + " and " + sz);
        return Optional.empty();
    }

    private static String enableFix(VaktConfig config, Node node) {
        return "add under " + path(config, node) + ".mysql: tls: {mode: verify-full, ca: /etc/vakt/tls/ca.pem} (the CA"
                + " that signed " + node.name() + "'s certificate; the server needs ssl_cert and ssl_key in its my.cnf),"
                + " or enable replication.tls with its ca: nodes without mysql.tls follow it";
    }

    private static String verifyFix(VaktConfig config, Node node, AdminTls tls) {
        if (tls.source() == AdminTls.Source.REPLICATION) {
            return "add the CA that signed the servers' certificates as replication.tls.ca: FILE (the admin connections"
                    + " follow it, verify-full), or under " + path(config, node) + ".mysql: tls: {mode: verify-full, ca: FILE}";
        }
        return "at " + tls.origin() + ": mode: verify-full and ca: FILE (the CA that signed " + node.name() + "'s certificate)";
    }

    /** The fix for a failed TLS connection to {@code node}; the reachable finding gives the same one. */
    static String fix(VaktConfig config, Node node, TlsFailure f) {
        String at = path(config, node) + ".mysql.tls";
        return switch (f) {
            case CA_UNREADABLE, CA_INVALID -> "copy the PEM file of the CA that signed " + node.name() + "'s certificate to"
                    + " this host and set " + at + ".ca (or replication.tls.ca) to it";
            case SERVER_WITHOUT_TLS -> "on " + node.name() + ": ssl_cert, ssl_key and ssl_ca in its my.cnf and a restart"
                    + " (SELECT @@have_ssl must say YES); only if the path is protected otherwise: " + at + ".mode: disable";
            case UNTRUSTED -> "set " + at + ".ca (or replication.tls.ca) to the CA that signed " + node.name()
                    + "'s certificate (the issuer of the file in its ssl_cert)";
            case HOST_MISMATCH -> "reissue " + node.name() + "'s certificate with subjectAltName " + node.mysql().host()
                    + ", connect by a name it lists, or set " + at + ".mode: verify-ca";
            case EXPIRED -> "renew " + node.name() + "'s certificate (ssl_cert) and check both hosts' clocks";
            case SERVER_REQUIRES_TLS -> node.mysql().tls().source() == AdminTls.Source.NODE
                    ? "at " + node.mysql().tls().origin() + ": replace mode: disable with mode: verify-full and ca: FILE"
                            + " (the CA that signed " + node.name() + "'s certificate)"
                    : "add under " + path(config, node) + ".mysql: tls: {mode: verify-full, ca: FILE}, or enable"
                            + " replication.tls with its ca";
            case HANDSHAKE -> "read the cause above and " + node.name() + "'s error log (ssl_* settings, tls_version)";
        };
    }

    /** The node's place in the file: sites[0].nodes[1]. */
    private static String path(VaktConfig config, Node node) {
        for (int i = 0; i < config.sites().size(); i++) {
            int j = config.sites().get(i).nodes().indexOf(node);
            if (j >= 0) return "sites[" + i + "].nodes[" + j + "]";
        }
        return node.name();
    }
}
