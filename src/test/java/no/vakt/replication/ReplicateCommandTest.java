package no.vakt.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import no.vakt.lab.MariaDbServer;
import no.vakt.testing.Cli;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/** {@code vakt replicate} end to end against a real primary/standby pair. */
class ReplicateCommandTest {
    static final Duration AWAIT = Duration.ofSeconds(20);

    static Cli replicate(TestPair pair, String... extra) {
        List<String> args = new ArrayList<>(List.of("replicate", "--config", pair.configFile.toString()));
        args.addAll(List.of(extra));
        Cli r = Cli.run(args.toArray(String[]::new));
        System.out.println("$ vakt " + String.join(" ", args) + "\n" + r.out() + r.err() + "[exit " + r.exitCode() + "]");
        return r;
    }

    static Optional<String> scalar(MariaDbServer server, String sql) {
        try (Connection c = server.rootConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> column(MariaDbServer server, String sql) {
        try (Connection c = server.rootConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) out.add(rs.getString(1));
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static String slaveStatus(MariaDbServer server, String column) {
        try (Connection c = server.rootConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next() ? rs.getString(column) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void fromScratchStandbyReplicatesAndIsReadOnly() throws Exception {
        try (TestPair pair = TestPair.start()) {
            Cli r = replicate(pair);
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("seed: copied vakt from oslo-db to bergen-db")
                    .contains("IO and SQL threads running on bergen-db")
                    .contains("replicate: done");

            assertThat(slaveStatus(pair.standby, "Slave_IO_Running")).isEqualTo("Yes");
            assertThat(slaveStatus(pair.standby, "Slave_SQL_Running")).isEqualTo("Yes");
            assertThat(slaveStatus(pair.standby, "Using_Gtid")).isEqualTo("Slave_Pos");
            assertThat(scalar(pair.standby, "SELECT @@GLOBAL.read_only")).contains("1");

            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(20))",
                    "INSERT INTO shop.orders VALUES (1, 'kayak')");
            await().atMost(AWAIT).until(() -> scalar(pair.standby, "SELECT item FROM shop.orders WHERE id = 1")
                    .equals(Optional.of("kayak")));
            assertThat(column(pair.standby, "SHOW TABLES FROM vakt")).contains("heartbeat", "canary", "cluster");
        }
    }

    @Test
    void seedsExistingDataAndKeepsReplicatingNewWrites() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TestPair.sql(pair.primary,
                    "CREATE DATABASE shop",
                    "CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(20))",
                    "CREATE TABLE shop.audit (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40))",
                    "INSERT INTO shop.orders VALUES (1, 'kayak'), (2, 'paddle'), (3, 'tent')",
                    "CREATE TRIGGER shop.orders_audit AFTER INSERT ON shop.orders FOR EACH ROW"
                            + " INSERT INTO shop.audit (note) VALUES (CONCAT('order ', NEW.id))",
                    "CREATE EVENT shop.tick ON SCHEDULE EVERY 1 HOUR DO DELETE FROM shop.audit WHERE id < 0");
            Cli r = replicate(pair);
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("seed: copied shop, vakt from oslo-db to bergen-db at 0-1-");

            assertThat(column(pair.standby, "SELECT item FROM shop.orders ORDER BY id")).containsExactly("kayak", "paddle", "tent");
            assertThat(column(pair.standby, "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = 'shop'"))
                    .containsExactly("orders_audit");
            // Events must not fire on the standby: the primary's run replicates.
            assertThat(scalar(pair.standby, "SELECT status FROM information_schema.events WHERE event_name = 'tick'"))
                    .contains("SLAVESIDE_DISABLED");

            TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (4, 'stove')");
            await().atMost(AWAIT).until(() -> column(pair.standby, "SELECT item FROM shop.orders ORDER BY id").size() == 4);
            await().atMost(AWAIT).until(() -> scalar(pair.standby, "SELECT note FROM shop.audit WHERE note = 'order 4'").isPresent());
            // Loaded with sql_log_bin=0: the standby's binlog has only what it replicated.
            assertThat(standbyOwnGtids(pair)).isEmpty();
        }
    }

    @Test
    void rerunIsANoOpThatChangesNothing() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY)", "INSERT INTO shop.t VALUES (1)");
            assertThat(replicate(pair).exitCode()).isZero();
            await().atMost(AWAIT).until(() -> scalar(pair.standby, "SELECT @@GLOBAL.gtid_slave_pos")
                    .equals(scalar(pair.primary, "SELECT @@GLOBAL.gtid_binlog_pos")));
            String primaryPos = scalar(pair.primary, "SELECT @@GLOBAL.gtid_binlog_pos").orElseThrow();
            String standbyState = scalar(pair.standby, "SELECT @@GLOBAL.gtid_binlog_state").orElseThrow();
            String primaryUser = scalar(pair.primary, "SHOW CREATE USER 'repl'@'127.0.0.1'").orElseThrow();

            Cli again = replicate(pair);
            assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
            assertThat(again.out()).contains("already replicating from oslo-db").contains("nothing to do")
                    .doesNotContain("seed:").doesNotContain("users:");
            assertThat(scalar(pair.primary, "SELECT @@GLOBAL.gtid_binlog_pos")).contains(primaryPos);
            assertThat(scalar(pair.standby, "SELECT @@GLOBAL.gtid_binlog_state")).contains(standbyState);
            assertThat(scalar(pair.primary, "SHOW CREATE USER 'repl'@'127.0.0.1'")).contains(primaryUser);
            assertThat(slaveStatus(pair.standby, "Slave_SQL_Running")).isEqualTo("Yes");
        }
    }

    @Test
    void refusesAStandbyWithItsOwnDataUntilOverwrite() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)",
                    "INSERT INTO shop.orders VALUES (1), (2)");
            // Data on the standby that did not come from the primary, without binlogging it.
            TestPair.sql(pair.standby, "SET SESSION sql_log_bin = 0", "CREATE DATABASE shop",
                    "CREATE TABLE shop.local_only (id INT PRIMARY KEY)", "INSERT INTO shop.local_only VALUES (7)");
            String standbyVars = scalar(pair.standby, "SELECT CONCAT(@@GLOBAL.gtid_binlog_state, '/', @@GLOBAL.gtid_slave_pos)").orElseThrow();

            Cli refused = replicate(pair);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("REFUSED").contains("bergen-db already has data in shop (1 table)")
                    .contains("--overwrite");
            assertStandbyUntouched(pair, standbyVars);
            assertThat(column(pair.standby, "SELECT id FROM shop.local_only")).containsExactly("7");
            assertThat(column(pair.primary, "SHOW DATABASES")).doesNotContain("vakt");

            Cli forced = replicate(pair, "--overwrite");
            assertThat(forced.exitCode()).as(forced.out() + forced.err()).isZero();
            assertThat(forced.out()).contains("reset: wiped bergen-db").contains("seed: copied shop, vakt");
            assertThat(column(pair.standby, "SHOW TABLES FROM shop")).containsExactly("orders");
            TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (3)");
            await().atMost(AWAIT).until(() -> column(pair.standby, "SELECT id FROM shop.orders").size() == 3);
        }
    }

    @Test
    void refusesToCopyDataToAStandbyOutsideTheJurisdictionsEvenWithOverwrite() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)");
            pair.rewriteConfig(y -> y.replace("  - name: bergen\n    zone: bergen-1\n    country: NO",
                    "  - name: bergen\n    zone: bergen-1\n    country: US"));
            String standbyVars = scalar(pair.standby, "SELECT CONCAT(@@GLOBAL.gtid_binlog_state, '/', @@GLOBAL.gtid_slave_pos)").orElseThrow();

            Cli refused = replicate(pair, "--overwrite");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("bergen-db is in US, outside policy.jurisdictions [NO, EEA]");
            assertStandbyUntouched(pair, standbyVars);
            assertThat(column(pair.standby, "SHOW DATABASES")).doesNotContain("shop");
        }
    }

    @Test
    void refusesErrantGtidsOnTheStandbyUntilOverwrite() throws Exception {
        try (TestPair pair = TestPair.start()) {
            // The primary is further along (0-1-3) than the standby's own write (0-2-1): only the
            // per-server history shows the standby's transaction is not the primary's.
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY)", "INSERT INTO shop.t VALUES (1)");
            TestPair.sql(pair.standby, "CREATE DATABASE junk");
            assertThat(standbyOwnGtids(pair)).containsExactly("0-2-1");
            String standbyVars = scalar(pair.standby, "SELECT CONCAT(@@GLOBAL.gtid_binlog_state, '/', @@GLOBAL.gtid_slave_pos)").orElseThrow();

            Cli refused = replicate(pair);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("REFUSED").contains("bergen-db has transactions oslo-db lacks (GTIDs 0-2-1");
            assertStandbyUntouched(pair, standbyVars);

            Cli forced = replicate(pair, "--overwrite");
            assertThat(forced.exitCode()).as(forced.out() + forced.err()).isZero();
            assertThat(standbyOwnGtids(pair)).isEmpty();
            TestPair.sql(pair.primary, "INSERT INTO shop.t VALUES (2)");
            await().atMost(AWAIT).until(() -> column(pair.standby, "SELECT id FROM shop.t").size() == 2);
            assertThat(replicate(pair).out()).contains("nothing to do");
        }
    }

    @Test
    void aStandbyWhoseBinlogsThePrimaryPurgedIsToldSoAndOverwriteCopiesItAgain() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY)",
                    "INSERT INTO shop.t VALUES (1)");
            assertThat(replicate(pair).exitCode()).isZero();
            await().atMost(AWAIT).until(() -> column(pair.standby, "SELECT id FROM shop.t").size() == 1);

            // The standby is down for a while; the primary writes on and purges the logs it would need.
            TestPair.sql(pair.standby, "STOP SLAVE");
            TestPair.sql(pair.primary, "INSERT INTO shop.t VALUES (2)", "FLUSH BINARY LOGS",
                    "INSERT INTO shop.t VALUES (3)", "FLUSH BINARY LOGS");
            List<String> logs = column(pair.primary, "SHOW BINARY LOGS");
            TestPair.sql(pair.primary, "PURGE BINARY LOGS TO '" + logs.get(logs.size() - 1) + "'");
            // The server may keep a log its binlog checkpoint still needs: read what is left.
            String oldest = column(pair.primary, "SHOW BINARY LOGS").get(0);
            assertThat(oldest).isNotEqualTo(logs.get(0));
            String slavePos = scalar(pair.standby, "SELECT @@GLOBAL.gtid_slave_pos").orElseThrow();

            // Found before CHANGE MASTER: refused, with the reason and the command, and nothing touched.
            Cli refused = replicate(pair, "--wait", "5s");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("REFUSED, nothing was changed")
                    .contains("bergen-db is at " + slavePos + " but oslo-db's oldest binary log " + oldest + " starts after")
                    .contains("were purged").contains("cannot catch up by replication")
                    .contains("vakt replicate --config " + pair.configFile + " --overwrite");
            assertThat(slaveStatus(pair.standby, "Slave_IO_Running")).isEqualTo("No");
            assertThat(slaveStatus(pair.standby, "Last_IO_Errno")).isEqualTo("0");
            assertThat(scalar(pair.standby, "SELECT @@GLOBAL.gtid_slave_pos")).contains(slavePos);

            // `vakt check` on the same pair, once someone starts the channel anyway, gives the same advice.
            TestPair.sql(pair.standby, "START SLAVE");
            await().atMost(AWAIT).until(() -> "1236".equals(slaveStatus(pair.standby, "Last_IO_Errno")));
            Cli check = Cli.run("check", "--config", pair.configFile.toString(), "--json", "--no-canary");
            assertThat(check.out()).contains("\"id\" : \"replica-io-thread\"")
                    .contains("no longer has the binary logs bergen-db needs (purged)")
                    .contains("vakt replicate --overwrite");

            Cli forced = replicate(pair, "--overwrite");
            assertThat(forced.exitCode()).as(forced.out() + forced.err()).isZero();
            assertThat(forced.out()).contains("reset: wiped bergen-db").contains("seed: copied shop, vakt")
                    .contains("IO and SQL threads running on bergen-db");
            assertThat(column(pair.standby, "SELECT id FROM shop.t ORDER BY id")).containsExactly("1", "2", "3");
            TestPair.sql(pair.primary, "INSERT INTO shop.t VALUES (4)");
            await().atMost(AWAIT).until(() -> column(pair.standby, "SELECT id FROM shop.t").size() == 4);
            assertThat(replicate(pair).out()).contains("nothing to do");
        }
    }

    @Test
    void overwriteCopiesTheStandbyAgainEvenWhenNothingConflicts() throws Exception {
        try (TestPair pair = TestPair.start()) {
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY)",
                    "INSERT INTO shop.t VALUES (1), (2)");
            assertThat(replicate(pair).exitCode()).isZero();
            await().atMost(AWAIT).until(() -> column(pair.standby, "SELECT id FROM shop.t").size() == 2);
            // A copy that drifted without a trace in the GTIDs (someone wrote with sql_log_bin=0).
            TestPair.sql(pair.standby, "SET SESSION sql_log_bin = 0", "DELETE FROM shop.t WHERE id = 2");
            assertThat(replicate(pair).out()).contains("nothing to do");

            Cli forced = replicate(pair, "--overwrite");
            assertThat(forced.exitCode()).as(forced.out() + forced.err()).isZero();
            assertThat(forced.out()).contains("overwrite: as asked, bergen-db's copies of shop, vakt")
                    .contains("reset: wiped bergen-db").contains("seed: copied shop, vakt")
                    .doesNotContain("not needed");
            assertThat(column(pair.standby, "SELECT id FROM shop.t ORDER BY id")).containsExactly("1", "2");
            assertThat(standbyOwnGtids(pair)).isEmpty();
            TestPair.sql(pair.primary, "INSERT INTO shop.t VALUES (3)");
            await().atMost(AWAIT).until(() -> column(pair.standby, "SELECT id FROM shop.t").size() == 3);
        }
    }

    @Test
    void replicationAccountIsLimitedToTheSourceAddressAndReplicationSlave() throws Exception {
        try (TestPair pair = TestPair.start()) {
            assertThat(replicate(pair).exitCode()).isZero();
            for (MariaDbServer server : List.of(pair.primary, pair.standby)) {
                assertThat(column(server, "SELECT host FROM mysql.user WHERE user = 'repl'")).containsExactly("127.0.0.1");
                List<String> grants = column(server, "SHOW GRANTS FOR 'repl'@'127.0.0.1'");
                assertThat(grants).hasSize(1);
                assertThat(grants.get(0)).startsWith("GRANT REPLICATION SLAVE ON *.* TO `repl`@`127.0.0.1`")
                        .doesNotContain("REQUIRE SSL").doesNotContain("GRANT OPTION");
            }
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY)", "INSERT INTO shop.t VALUES (1)");
            await().atMost(AWAIT).until(() -> column(pair.standby, "SELECT id FROM shop.t").size() == 1);
            assertThat(standbyOwnGtids(pair)).isEmpty();

            // Drift: a rotated password and an extra privilege are put right by a re-run.
            java.nio.file.Path replPw = pair.dir.resolve("secrets/replication.password");
            java.nio.file.Files.writeString(replPw, "rotated-secret\n");
            TestPair.sql(pair.primary, "GRANT SELECT ON *.* TO 'repl'@'127.0.0.1'");
            Cli rerun = replicate(pair);
            assertThat(rerun.exitCode()).as(rerun.out() + rerun.err()).isZero();
            assertThat(rerun.out()).contains("users: updated repl@127.0.0.1 on oslo-db; updated repl@127.0.0.1 on bergen-db")
                    .contains("seed: skipped, standby already holds").doesNotContain("rotated-secret");
            assertThat(column(pair.primary, "SHOW GRANTS FOR 'repl'@'127.0.0.1'")).singleElement().asString()
                    .startsWith("GRANT REPLICATION SLAVE ON *.* TO").contains(NativePassword.hash("rotated-secret"));
            TestPair.sql(pair.primary, "INSERT INTO shop.t VALUES (2)");
            await().atMost(AWAIT).until(() -> column(pair.standby, "SELECT id FROM shop.t").size() == 2);
            assertThat(slaveStatus(pair.standby, "Slave_IO_Running")).isEqualTo("Yes");
            assertThat(standbyOwnGtids(pair)).isEmpty();
        }
    }

    @Test
    void dryRunPrintsThePlanAndChangesNothing() throws Exception {
        try (TestPair pair = TestPair.start()) {
            Cli r = replicate(pair, "--dry-run");
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("dry run").contains("seed: would copy vakt from oslo-db to bergen-db")
                    .contains("users: would create repl@127.0.0.1 on oslo-db")
                    .contains("MASTER_PASSWORD=<from password file>");
            assertThat(slaveStatus(pair.standby, "Slave_IO_Running")).isNull();
            assertThat(column(pair.primary, "SHOW DATABASES")).doesNotContain("vakt");
            assertThat(column(pair.primary, "SELECT user FROM mysql.user WHERE user = 'repl'")).isEmpty();
        }
    }

    @Test
    void unreadablePasswordFileIsAConfigError() throws Exception {
        try (TestPair pair = TestPair.start()) {
            java.nio.file.Files.delete(pair.dir.resolve("secrets/replication.password"));
            Cli r = replicate(pair);
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("replication.password");
        }
    }

    private static void assertStandbyUntouched(TestPair pair, String gtidVarsBefore) {
        assertThat(slaveStatus(pair.standby, "Slave_IO_Running")).isNull();
        assertThat(scalar(pair.standby, "SELECT CONCAT(@@GLOBAL.gtid_binlog_state, '/', @@GLOBAL.gtid_slave_pos)"))
                .contains(gtidVarsBefore);
        assertThat(column(pair.standby, "SELECT user FROM mysql.user WHERE user = 'repl'")).isEmpty();
    }

    /** GTIDs in the standby's binary log that it wrote itself (its server_id is 2): errant ones. */
    static List<String> standbyOwnGtids(TestPair pair) {
        String state = scalar(pair.standby, "SELECT @@GLOBAL.gtid_binlog_state").orElse("");
        return java.util.Arrays.stream(state.split(",")).map(String::trim)
                .filter(g -> g.matches("\\d+-2-\\d+")).toList();
    }
}
