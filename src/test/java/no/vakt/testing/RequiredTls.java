package no.vakt.testing;

import java.util.List;
import no.vakt.lab.MariaDbServer;
import no.vakt.lab.SiteProfile;
import no.vakt.lab.TlsCerts;

/** Puts a test pair behind TLS that the vakt account cannot do without. */
public final class RequiredTls {
    private RequiredTls() {}

    /**
     * Both servers serve TLS from the pair's CA and the vakt account on both REQUIRES SSL; the config's
     * replication.tls is verified against the CA and no node has its own tls:, so Vakt's sessions and the
     * client tools all follow replication.tls.
     */
    public static TlsCerts apply(TestPair pair) throws Exception {
        TlsCerts certs = TlsCerts.create(pair.dir.resolve("tls"), List.of(pair.primary.host(), pair.standby.host()));
        for (MariaDbServer s : List.of(pair.primary, pair.standby)) {
            pair.restartWith(s, SiteProfile.tls(certs));
            TestPair.sql(s, "SET SESSION sql_log_bin = 0",
                    "ALTER USER '" + TestPair.ADMIN_USER + "'@'127.0.0.1' REQUIRE SSL",
                    "ALTER USER '" + TestPair.ADMIN_USER + "'@'localhost' REQUIRE SSL");
        }
        pair.rewriteConfig(t -> t.replaceAll("(?m)^ {10}tls: \\{mode: disable}.*\n", "")
                .replace("  tls:\n    enabled: false\n", "  tls:\n    enabled: true\n    ca: " + certs.ca() + "\n"));
        return certs;
    }
}
