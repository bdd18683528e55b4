package no.vakt.failover.planned;

import static no.vakt.failover.planned.PairSql.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import no.vakt.config.AdminTls;
import no.vakt.config.Node;
import no.vakt.config.TlsMode;
import no.vakt.db.DbSession;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeOperations;
import no.vakt.lab.MariaDbServer;
import no.vakt.lab.SiteProfile;
import no.vakt.lab.TlsCerts;
import no.vakt.testing.Cli;
import no.vakt.testing.RequiredTls;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/**
 * Saving errant transactions ({@code mariadb-binlog --read-from-remote-server}) from a former primary
 * whose vakt account REQUIRES SSL: rejoin saves them over the TLS replication.tls configures, and the CA
 * is really checked (a wrong CA fails).
 */
class RejoinTlsTest {
    @Test
    void errantTransactionsAreSavedOverVerifiedTlsAndAWrongCaIsRefused() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TlsCerts certs = RequiredTls.apply(pair);
            RejoinTest.replicatingShop(pair);
            TestPair.sql(pair.standby, "STOP SLAVE");
            TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (99, 'errant-over-tls-4b1d')");
            // The failover by hand, as RejoinTest's, with oslo coming back with its TLS my.cnf.
            pair.primary.kill();
            try (DbSession db = new NodeInspector(Duration.ofSeconds(5)).open(pair.config().standby())) {
                NodeOperations.promote(db);
            }
            TestPair.sql(pair.standby, "INSERT INTO shop.orders VALUES (10, 'tent')");
            pair.restartWith(pair.primary, SiteProfile.tls(certs));

            Cli refused = RejoinTest.rejoin(pair);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.out()).contains("saved to").contains("--discard-errant").doesNotContain("rejoin failed");
            Path dir = pair.dir.resolve(".vakt/errant");
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.toList();
            }
            assertThat(files).singleElement().satisfies(f -> assertThat(Files.readString(f)).contains("errant-over-tls-4b1d"));

            // The same save with a CA that did not sign oslo's certificate is refused by mariadb-binlog.
            Node oslo = pair.config().primary();
            assertThat(oslo.mysql().tls().mode()).isEqualTo(TlsMode.VERIFY_FULL);
            Path otherCa = TlsCerts.create(pair.dir.resolve("other-ca"), List.of(pair.primary.host())).ca();
            Node wrongCa = new Node(oslo.name(), oslo.role(), oslo.zone(), oslo.country(),
                    oslo.mysql().withTls(new AdminTls(TlsMode.VERIFY_CA, otherCa, AdminTls.Source.NODE, "test")),
                    oslo.healthUrl(), oslo.ssh(), oslo.sourceAddress());
            ErrantTransactions errant = ErrantTransactions.find(var(pair.primary, "gtid_binlog_pos"),
                    var(pair.primary, "gtid_binlog_state"), var(pair.standby, "gtid_binlog_pos"),
                    var(pair.standby, "gtid_binlog_state"), var(pair.standby, "gtid_slave_pos"));
            assertThat(errant.isEmpty()).isFalse();
            try (DbSession db = new NodeInspector(Duration.ofSeconds(5)).open(oslo)) {
                assertThatThrownBy(() -> new ErrantDump(Duration.ofMinutes(1)).write(wrongCa, oslo.mysql().secret().resolve(),
                        db, errant, pair.dir.resolve("wrong-ca/oslo.sql")))
                        .hasMessageContaining("mariadb-binlog exited")
                        .hasMessageContaining("SSL");
            }
        }
    }

    private static String var(MariaDbServer s, String name) {
        return scalar(s, "SELECT @@GLOBAL." + name).orElse("");
    }
}
