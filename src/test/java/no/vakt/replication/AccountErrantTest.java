package no.vakt.replication;

import static no.vakt.replication.ReplicateCommandTest.replicate;
import static no.vakt.replication.ReplicateCommandTest.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import no.vakt.cluster.GtidPosition.Gtid;
import no.vakt.cluster.GtidPosition;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.NodeInspector;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/**
 * The trap of an account created on a standby with its binary log on: errant GTIDs that only change accounts.
 * {@code vakt replicate} says so, and {@code --forget-account-errant} sets them aside without wiping the standby.
 */
class AccountErrantTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static AccountErrant.Event gtid(String g) {
        return new AccountErrant.Event("Gtid", "GTID " + g);
    }

    private static AccountErrant.Event query(String sql) {
        return new AccountErrant.Event("Query", sql);
    }

    @Test
    void accountStatementsAloneAreAccountOnlyAndKeepThePrimarysPart() {
        GtidHistory standby = GtidHistory.parse("0-1-50,0-2-52");
        GtidHistory primary = GtidHistory.parse("0-1-60");
        var v = AccountErrant.judge(List.of(
                new AccountErrant.Group(new Gtid(0, 2, 51), List.of(gtid("0-2-51"),
                        query("use `test`; CREATE USER 'vakt'@'10.0.0.1' IDENTIFIED BY PASSWORD '*AB'"))),
                new AccountErrant.Group(new Gtid(0, 2, 52), List.of(gtid("0-2-52"),
                        query("GRANT SELECT ON *.* TO 'vakt'@'10.0.0.1'")))), standby, primary);
        assertThat(v.accountOnly()).isTrue();
        assertThat(v.statements()).containsExactly("CREATE USER", "GRANT");
        assertThat(v.keep()).hasToString("0-1-50");
        assertThat(v.toString()).doesNotContain("*AB");
    }

    @Test
    void aDataChangeOrAnUnreadTransactionIsNotAccountOnly() {
        GtidHistory standby = GtidHistory.parse("0-2-2");
        var withData = AccountErrant.judge(List.of(
                new AccountErrant.Group(new Gtid(0, 2, 1), List.of(gtid("0-2-1"), query("CREATE USER 'x'@'%'"))),
                new AccountErrant.Group(new Gtid(0, 2, 2), List.of(new AccountErrant.Event("Gtid", "BEGIN GTID 0-2-2"),
                        new AccountErrant.Event("Table_map", "table_id: 30 (shop.orders)"),
                        new AccountErrant.Event("Write_rows_v1", "table_id: 30 flags: STMT_END_F")))),
                standby, GtidHistory.EMPTY);
        assertThat(withData.accountOnly()).isFalse();
        assertThat(withData.otherwise()).singleElement().asString().contains("0-2-2", "shop.orders");
        var purged = AccountErrant.judge(List.of(
                new AccountErrant.Group(new Gtid(0, 2, 1), List.of(gtid("0-2-1"), query("CREATE USER 'x'@'%'")))),
                standby, GtidHistory.EMPTY);
        assertThat(purged.accountOnly()).isFalse();
        assertThat(purged.otherwise()).singleElement().asString().contains("0-2-2", "purged");
    }

    @Test
    void anAccountCreatedOnTheStandbyWithItsBinlogOnIsSetAsideWithoutWipingIt() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)",
                    "INSERT INTO shop.orders VALUES (1), (2)");
            // The trap: no SET SESSION sql_log_bin = 0.
            TestPair.sql(pair.standby, "CREATE USER 'ops'@'10.9.9.9' IDENTIFIED BY 'ops-secret-pw'",
                    "GRANT PROCESS ON *.* TO 'ops'@'10.9.9.9'");
            String errant = ReplicationFixture.variable(pair.standby, "gtid_binlog_pos");
            assertThat(errant).startsWith("0-2-");

            Cli refused = replicate(pair);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("only change accounts (CREATE USER, GRANT)", "--forget-account-errant")
                    .doesNotContain("ops-secret-pw");
            assertThat(ReplicationFixture.variable(pair.standby, "gtid_binlog_pos")).as("nothing changed").isEqualTo(errant);

            Cli dry = replicate(pair, "--forget-account-errant", "--dry-run");
            assertThat(dry.exitCode()).isZero();
            assertThat(ReplicationFixture.variable(pair.standby, "gtid_binlog_pos")).as("dry run").isEqualTo(errant);

            Cli r = replicate(pair, "--forget-account-errant");
            assertThat(r.exitCode()).isZero();
            assertThat(r.out()).contains("forget-account-errant:", "RESET MASTER");
            ReplicationFixture.awaitRunning(pair.standby);
            TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (3)");
            ReplicationFixture.awaitCaughtUp(pair);
            assertThat(scalar(pair.standby, "SELECT COUNT(*) FROM shop.orders")).contains("3");
            assertThat(scalar(pair.standby, "SELECT COUNT(*) FROM mysql.user WHERE User = 'ops'")).as("account kept").contains("1");
            assertThat(ReplicationFixture.variable(pair.standby, "gtid_binlog_state")).doesNotContain("0-2-");
        }
    }

    @Test
    void errantDataKeepsTheRefusalAndForgetChangesNothing() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            TestPair.sql(pair.standby, "SET GLOBAL read_only = OFF", "CREATE USER 'ops'@'10.9.9.9'",
                    "CREATE DATABASE local_notes");
            String errant = ReplicationFixture.variable(pair.standby, "gtid_binlog_pos");

            Cli refused = replicate(pair);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).doesNotContain("--forget-account-errant");
            Cli forget = replicate(pair, "--forget-account-errant");
            assertThat(forget.exitCode()).isEqualTo(1);
            assertThat(forget.err()).contains("do more", "CREATE DATABASE");
            assertThat(ReplicationFixture.variable(pair.standby, "gtid_binlog_pos")).isEqualTo(errant);
        }
    }

    @Test
    void aReplicatingStandbyKeepsItsPositionAndData() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)",
                    "INSERT INTO shop.orders VALUES (1)");
            ReplicationFixture.start(pair);
            ReplicationFixture.awaitCaughtUp(pair);
            TestPair.sql(pair.standby, "CREATE USER 'ops'@'10.9.9.9'");
            // In GTID strict mode the standby's SQL thread now stops at the primary's next transaction: same sequence.
            TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (2)");
            // Read a few events at a time, so the paging through the binary log is what finds them.
            VaktConfig config = pair.config();
            try (DbSession p = DbSession.open(config.primary().mysql(), config.primary().mysql().secret().resolve(), WAIT);
                    DbSession s = DbSession.open(config.standby().mysql(), config.standby().mysql().secret().resolve(), WAIT)) {
                Observation o = new Observer(new NodeInspector(WAIT)).observe(config, p, s, config.replication().secret().resolve());
                AccountErrant.Verdict paged = AccountErrantScan.scan(s, o, 3);
                assertThat(paged.accountOnly()).as(paged.otherwise().toString()).isTrue();
                assertThat(paged.statements()).containsExactly("CREATE USER");
                assertThat(paged.keep()).isEqualTo(GtidPosition.parse(ReplicationFixture.variable(pair.standby, "gtid_slave_pos")));
            }

            Cli r = replicate(pair, "--forget-account-errant");
            assertThat(r.exitCode()).isZero();
            assertThat(r.out()).doesNotContain("copied");
            ReplicationFixture.awaitRunning(pair.standby);
            TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (3)");
            ReplicationFixture.awaitCaughtUp(pair);
            assertThat(scalar(pair.standby, "SELECT COUNT(*) FROM shop.orders")).contains("3");
        }
    }
}
