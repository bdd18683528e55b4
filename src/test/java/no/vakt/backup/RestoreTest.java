package no.vakt.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import no.vakt.cluster.Sleeper;
import no.vakt.testing.Cli;
import no.vakt.testing.Loopback;
import no.vakt.testing.TestPair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import no.vakt.drill.RestoreDrill;
import no.vakt.journal.Journal;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The mistake replication cannot undo: rows written, the table dropped, more written after. A restore of
 * the base backup plus the binlog archive to just before the DROP brings the table back with every row.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestoreTest {
    private static BackupLab lab;

    @BeforeAll
    static void start() throws Exception {
        lab = new BackupLab("127.0.190.3", "127.0.190.4");
    }

    @AfterAll
    static void stop() throws Exception {
        if (lab != null) lab.close();
    }

    @Test
    @Order(1)
    void restoreBeforeADropTableBringsBackEveryRowWrittenBeforeItToAGtidAndToATimeStopThere() throws Exception {
        String cfg = lab.pair.configFile.toString();
        TestPair.sql(lab.pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(20))",
                "INSERT INTO shop.orders VALUES (1, 'apple'), (2, 'pear')");
        Cli take = Cli.run("backup", "take", "-c", cfg);
        assertThat(take.exitCode()).as(take.out() + take.err()).isZero();
        assertThat(take.out()).contains("taken from the primary: the standby bergen-db", "at GTID 0-1-3");
        TestPair.sql(lab.pair.primary, "INSERT INTO shop.orders VALUES (3, 'plum')", "INSERT INTO shop.orders VALUES (4, 'fig')",
                "UPDATE shop.orders SET item = 'kiwi' WHERE id = 1");
        assertThat(Cli.run("backup", "archive", "-c", cfg).exitCode()).isZero();
        // The last statement carries a timestamp in 2030 (the session's), so --to-time can stop before it without waiting.
        TestPair.sql(lab.pair.primary, "USE shop", "DROP TABLE orders", "SET timestamp = UNIX_TIMESTAMP('2030-01-01 00:00:00')",
                "CREATE TABLE shop.after_drop (id INT PRIMARY KEY)");
        Cli archived = Cli.run("backup", "archive", "-c", cfg);
        assertThat(archived.out()).contains("archive: oslo-db mysql-bin.000001", "up to GTID 0-1-8");

        Restored before = restore("r1", "--before", "DROP TABLE shop.orders");
        assertThat(before.cli().out()).contains("stopped before transaction 0-1-7: DROP TABLE `orders`", "mariadbd runs on " + HOST);
        assertThat(before.rows("SELECT CONCAT(id, ':', item) FROM shop.orders ORDER BY id", "SELECT COUNT(*) FROM information_schema.tables"
                + " WHERE table_name = 'after_drop'", "SELECT @@gtid_slave_pos")).containsExactly("1:kiwi", "2:pear", "3:plum", "4:fig", "0", "0-1-6");

        assertThat(restore("r2", "--to-gtid", "0-1-5").rows("SELECT CONCAT(id, ':', item) FROM shop.orders ORDER BY id",
                "SELECT @@gtid_slave_pos")).as("up to the second insert, before the update").containsExactly("1:apple", "2:pear", "3:plum", "4:fig", "0-1-5");

        assertThat(restore("r3", "--to-time", "2029-06-01T00:00:00Z").rows("SELECT GROUP_CONCAT(table_name ORDER BY table_name)"
                + " FROM information_schema.tables WHERE table_schema = 'shop'"))
                .as("the drop is before the time, the 2030 table after it").containsExactly((String) null);

        Path into = lab.pair.dir.resolve("r1");
        Cli again = Cli.run("restore", "-c", cfg, "--into", into.toString());
        assertThat(again.exitCode()).as("never over an earlier restore").isEqualTo(1);
        assertThat(again.out()).contains("exists: restore into a new directory");
    }

    /**
     * After the first test (the backup from the primary needs a standby that does not replicate yet): the pair
     * replicating, a backup from the standby, writes archived and more not archived (the drill catches the
     * scratch server up to where the standby stops). Then a row changed on the standby alone, which replication
     * cannot see: the next drill fails on that table.
     */
    @Test
    @Order(2)
    void aRestoreDrillComparesTheRestoreWithTheStandbyAtOneGtidAndFailsOnADivergedTable() throws Exception {
        Path cfgFile = lab.pair.rewriteConfig(t -> t.replace("rpo: 1s", "rpo: 1h"));
        String cfg = cfgFile.toString();
        Path journal = lab.pair.dir.resolve("drill-journal.db");
        TestPair.sql(lab.pair.primary, "CREATE DATABASE IF NOT EXISTS shop", "CREATE TABLE shop.stock (id INT PRIMARY KEY, n INT)",
                "INSERT INTO shop.stock VALUES (1, 10), (2, 20)");
        Cli replicate = Cli.run("replicate", "-c", cfg);
        assertThat(replicate.exitCode()).as(replicate.out() + replicate.err()).isZero();
        assertThat(Cli.run("backup", "take", "-c", cfg).out()).contains("from bergen-db (standby)");
        TestPair.sql(lab.pair.primary, "INSERT INTO shop.stock VALUES (3, 30)", "UPDATE shop.stock SET n = 21 WHERE id = 2");
        assertThat(Cli.run("backup", "archive", "-c", cfg).exitCode()).isZero();
        TestPair.sql(lab.pair.primary, "INSERT INTO shop.stock VALUES (4, 40)", "DELETE FROM shop.stock WHERE id = 1");

        Cli drill = Cli.run("drill", "--restore", "-c", cfg, "--journal", journal.toString(), "--report", lab.pair.dir.resolve("rd1").toString());
        assertThat(drill.exitCode()).as(drill.out() + drill.err()).isZero();
        assertThat(drill.out()).contains("(restore): PASSED", "tables equal to bergen-db at GTID", "caught up the scratch server from");
        JsonNode report = new ObjectMapper().readTree(lab.pair.dir.resolve("rd1/report.json").toFile());
        assertThat(report.path("tables").size()).as("every table of shop").isGreaterThanOrEqualTo(2);
        assertThat(report.path("data_age_ms").asLong()).as("writes after the archive: the newest restorable point has an age").isPositive();
        assertThat(lab.pair.dir.resolve("rd1/scratch")).as("the scratch server is thrown away").doesNotExist();
        try (Journal j = new Journal(journal, Clock.systemUTC())) {
            assertThat(j.history(RestoreDrill.EVENT, 5)).singleElement()
                    .satisfies(e -> assertThat(e.details().path("passed").asBoolean()).isTrue());
        }
        Cli history = Cli.run("drill", "--history", "-c", cfg, "--journal", journal.toString());
        assertThat(history.out()).contains("restore", "passed", lab.pair.dir.resolve("rd1").toString());
        assertThat(lab.pair.standby.rootConnection().createStatement().executeQuery("SHOW SLAVE STATUS"))
                .satisfies(r -> assertThat(r.next() && "Yes".equals(r.getString("Slave_SQL_Running"))).as("SQL thread running again").isTrue());

        TestPair.sql(lab.pair.standby, "SET SESSION sql_log_bin = 0", "UPDATE shop.stock SET n = 99 WHERE id = 3");
        Cli diverged = Cli.run("drill", "--restore", "-c", cfg, "--journal", journal.toString(), "--report", lab.pair.dir.resolve("rd2").toString());
        assertThat(diverged.exitCode()).isEqualTo(1);
        assertThat(diverged.out()).contains("(restore): FAILED", "shop.stock differs from the standby: same row count, CHECKSUM TABLE differs");
    }

    /**
     * After the second test (the pair replicates, the archive reaches the first drill's standby position). A new
     * host: binary log and server id of its own. In place: refused while the standby replicates, then, stopped,
     * its data replaced by the restore (the row changed on it alone is gone), and vakt replicate carries on from
     * the restored gtid_slave_pos.
     */
    @Test
    @Order(3)
    void aNewHostGetsItsOwnBinlogAndInPlaceReplacesAStoppedStandbysDataWhichThenReplicates() throws Exception {
        String cfg = lab.pair.configFile.toString();
        assertThat(restore("r4", "--new-host", "--server-id", "77").rows("SELECT @@server_id", "SELECT @@log_bin"))
                .containsExactly("77", "1");
        assertThat(lab.pair.dir.resolve("r4/my.cnf")).content().contains("server-id=77", "log-bin=");

        String datadir = lab.pair.standby.dataDir().toString();
        Cli live = Cli.run("restore", "-c", cfg, "--in-place", "bergen-db", "--datadir", datadir, "--yes-replace-data");
        assertThat(live.exitCode()).isEqualTo(1);
        assertThat(live.out()).contains("bergen-db is replicating: stop it first");
        assertThatThrownBy(() -> new InPlaceRestore(Path.of(datadir), Clock.systemUTC()).begin()).as("even past the node check")
                .hasMessageContaining("ibdata1 is locked");
        lab.pair.standby.stop();
        Cli unconfirmed = Cli.run("restore", "-c", cfg, "--in-place", "bergen-db", "--datadir", datadir);
        assertThat(unconfirmed.exitCode()).isEqualTo(2);
        assertThat(unconfirmed.err() + unconfirmed.out()).contains("add --yes-replace-data");
        Cli done = Cli.run("restore", "-c", cfg, "--in-place", "bergen-db", "--datadir", datadir, "--yes-replace-data");
        assertThat(done.exitCode()).as(done.out() + done.err()).isZero();
        assertThat(done.out()).contains("bergen-db's data replaced (gtid_slave_pos 0-1-", "moved the old data aside");
        lab.pair.standby.start();
        assertThat(query(lab.pair.standby, "SELECT n FROM shop.stock WHERE id = 3")).as("the standby-only change is gone").isEqualTo("30");

        Cli replicate = Cli.run("replicate", "-c", cfg);
        assertThat(replicate.exitCode()).as(replicate.out() + replicate.err()).isZero();
        TestPair.sql(lab.pair.primary, "INSERT INTO shop.stock VALUES (5, 50)");
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> "50".equals(query(lab.pair.standby, "SELECT MAX(n) FROM shop.stock")));
    }

    private static String query(no.vakt.lab.MariaDbServer server, String sql) throws Exception {
        try (Connection c = server.rootConnection(); ResultSet r = c.createStatement().executeQuery(sql)) {
            return r.next() ? r.getString(1) : null;
        }
    }

    private static final String HOST = "127.0.190.5";

    /** {@code vakt restore --into DIR TARGET...} onto a free port, and the server it left running. */
    private static Restored restore(String dir, String... target) {
        Path into = lab.pair.dir.resolve(dir);
        List<String> args = new ArrayList<>(List.of("restore", "-c", lab.pair.configFile.toString(), "--into", into.toString(),
                "--host", HOST, "--port", Integer.toString(Loopback.freePort(HOST))));
        args.addAll(List.of(target));
        return new Restored(Cli.run(args.toArray(String[]::new)), new ScratchServer(into, Clock.systemUTC(), Sleeper.REAL));
    }

    private record Restored(Cli cli, ScratchServer server) {
        /** The first column of each query's rows, in order; then the server is stopped. */
        List<String> rows(String... queries) throws Exception {
            List<String> out = new ArrayList<>();
            try {
                assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
                try (Connection c = server.connect()) {
                    for (String sql : queries) {
                        try (ResultSet r = c.createStatement().executeQuery(sql)) {
                            while (r.next()) out.add(r.getString(1));
                        }
                    }
                }
            } finally {
                server.stop(Duration.ofSeconds(30));
            }
            return out;
        }
    }
}
