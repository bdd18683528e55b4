package no.vakt.check;

import static no.vakt.check.CheckTestSupport.check;
import static no.vakt.check.CheckTestSupport.variant;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import no.vakt.cluster.GtidPosition;
import no.vakt.journal.Journal;
import no.vakt.lab.MariaDbServer;
import no.vakt.testing.Cli;
import no.vakt.testing.Loopback;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One healthy replicated pair shared by every test here; each test breaks one thing with SQL or a
 * config variant and puts it back in {@code finally}. Breakage that cannot be undone lives in
 * {@link CheckBrokenPairTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckCommandTest {
    private static final String PRIMARY = "oslo-db";
    private static final String STANDBY = "bergen-db";
    /** For checks where the canary cannot arrive: no need to wait the full default bound. */
    private static final String SHORT_CANARY = "--canary-timeout=300ms";

    private TestPair pair;

    @BeforeAll
    void startReplicatedPair() throws Exception {
        pair = TestPair.start();
        try {
            ReplicationFixture.start(pair);
        } catch (Exception | Error e) {
            pair.close();
            throw e;
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (pair != null) pair.close();
    }

    @BeforeEach
    void replicating() {
        ReplicationFixture.awaitRunning(pair.standby);
        ReplicationFixture.awaitCaughtUp(pair);
    }

    @Test
    void healthyReplicatedPairIsReadyAndTheCanaryArrives() throws Exception {
        var r = check(pair.configFile);

        assertThat(r.exitCode()).as(r.raw()).isZero();
        assertThat(r.ready()).isTrue();
        assertThat(r.errorIds()).isEmpty();
        assertThat(r.findings("canary")).singleElement()
                .satisfies(f -> assertThat(f.get("severity").asText()).isEqualTo("OK"));
        assertThat(r.json().get("canaryArrivalMs").isIntegralNumber()).as(r.raw()).isTrue();
        assertThat(r.json().get("canaryArrivalMs").asLong()).isBetween(0L, 5000L);
        // TLS is off in the test pair, but its channel runs on loopback and never leaves the host: OK, as admin-tls.
        assertThat(r.findings("replication-tls")).singleElement().satisfies(f -> {
            assertThat(f.get("severity").asText()).isEqualTo("OK");
            assertThat(f.get("message").asText()).contains("plaintext, on loopback");
        });
        assertThat(r.findings("live-roles")).singleElement()
                .satisfies(f -> assertThat(f.get("severity").asText()).isEqualTo("OK"));
        assertThat(r.findings("gtid-errant").get(0).get("message").asText())
                .contains("standby gtid_current_pos", "primary gtid_binlog_pos");
        assertThat(r.findings("transactional-tables")).singleElement().satisfies(f -> {
            assertThat(f.get("severity").asText()).isEqualTo("OK");
            assertThat(f.get("message").asText()).isEqualTo("every table in shop is InnoDB");
        });
    }

    @Test
    void tableForPeopleEndsWithTheVerdict() {
        Cli cli = Cli.run("check", "--config", pair.configFile.toString());

        assertThat(cli.exitCode()).as(cli.out()).isZero();
        assertThat(cli.out()).startsWith("vakt check: cluster test, primary oslo-db (" + pair.primary.host())
                .contains("SEVERITY", "NODE", "CHECK", "MESSAGE")
                .containsPattern("OK +bergen-db +replication-tls +the channel to \\S+ is plaintext, on loopback")
                .containsPattern("\n {20,}fix: ")
                .containsPattern("READY: 0 errors, \\d+ warnings\\s*$");
        assertThat(cli.out()).doesNotContain(secret());
    }

    @Test
    void badConfigIsUsageError() throws Exception {
        var bad = variant(pair, "bad", text -> text.replace("rpo: 1s", "rpo: soon"));
        Cli cli = Cli.run("check", "--config", bad.toString());
        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("objectives.rpo");
    }

    @Test
    void statementBinlogFormatOnThePrimary() throws Exception {
        TestPair.sql(pair.primary, "SET GLOBAL binlog_format = 'STATEMENT'");
        try {
            var r = check(pair.configFile);
            r.assertProblem("binlog-format", PRIMARY, Severity.ERROR);
            assertThat(r.exitCode()).isEqualTo(1);
        } finally {
            TestPair.sql(pair.primary, "SET GLOBAL binlog_format = 'ROW'");
        }
    }

    @Test
    void aMyIsamTableInAReplicatedDatabaseIsNamed() throws Exception {
        TestPair.sql(pair.primary, "CREATE DATABASE IF NOT EXISTS shop");
        TestPair.sql(pair.primary, "CREATE TABLE shop.legacy_sessions (id INT PRIMARY KEY) ENGINE=MyISAM");
        try {
            var r = check(pair.configFile);
            r.assertProblem("transactional-tables", PRIMARY, Severity.WARNING);
            assertThat(r.problem("transactional-tables", PRIMARY).get("message").asText())
                    .startsWith("1 table is not InnoDB: shop.legacy_sessions (MyISAM);");
            assertThat(r.problem("transactional-tables", PRIMARY).get("fix").asText())
                    .contains("ALTER TABLE shop.legacy_sessions ENGINE=InnoDB");
            assertThat(r.exitCode()).as("a warning, not an error").isZero();
        } finally {
            TestPair.sql(pair.primary, "DROP TABLE shop.legacy_sessions");
        }
    }

    /** MariaDB 10.11: ALL PRIVILEGES holds READ ONLY ADMIN and writes through read_only; SUPER alone does not. */
    @Test
    void anApplicationAccountThatWritesThroughReadOnlyIsNamedOnBothNodes() throws Exception {
        TestPair.sql(pair.primary, "CREATE USER 'shopapp'@'%' IDENTIFIED BY 'x'", "GRANT ALL PRIVILEGES ON *.* TO 'shopapp'@'%'",
                "CREATE USER 'ops'@'%' IDENTIFIED BY 'x'", "GRANT SUPER ON *.* TO 'ops'@'%'");
        try {
            ReplicationFixture.awaitCaughtUp(pair);
            var r = check(pair.configFile);
            for (String node : List.of(PRIMARY, STANDBY)) {
                List<com.fasterxml.jackson.databind.JsonNode> warnings = r.findings("read-only-bypass").stream()
                        .filter(f -> node.equals(f.get("node").asText()) && f.get("severity").asText().equals("WARNING")).toList();
                assertThat(warnings).as(node).singleElement().satisfies(w -> {
                    assertThat(w.get("message").asText()).startsWith("'shopapp'@'%' (ALL PRIVILEGES) can write while read_only=ON")
                            .doesNotContain("ops").doesNotContain("'vakt'").doesNotContain("'repl'");
                    assertThat(w.get("fix").asText()).isEqualTo("on " + node
                            + ": SET SESSION sql_log_bin = 0; REVOKE READ ONLY ADMIN ON *.* FROM 'shopapp'@'%';");
                });
            }
            // The lab's root accounts are named, as a local administrator's, never locked.
            assertThat(r.findings("read-only-bypass")).anySatisfy(f -> {
                assertThat(f.get("severity").asText()).isEqualTo("INFO");
                assertThat(f.get("message").asText()).contains("'root'@'localhost'").contains("never locks root");
            });
            assertThat(r.exitCode()).as("a warning, not an error").isZero();
        } finally {
            TestPair.sql(pair.primary, "DROP USER 'shopapp'@'%', 'ops'@'%'");
        }
    }

    /** A role holding READ ONLY ADMIN: the account can SET ROLE it at any time, default role or not. */
    @Test
    void anAccountThatBypassesReadOnlyThroughARoleIsNamed() throws Exception {
        TestPair.sql(pair.primary, "CREATE ROLE 'admins'", "CREATE ROLE 'ops_role'", "GRANT READ ONLY ADMIN ON *.* TO 'admins'",
                "GRANT 'admins' TO 'ops_role'", "CREATE USER 'shopapp'@'%' IDENTIFIED BY 'x'", "GRANT 'ops_role' TO 'shopapp'@'%'");
        try {
            ReplicationFixture.awaitCaughtUp(pair);
            var r = check(pair.configFile);
            assertThat(r.findings("read-only-bypass").stream().filter(f -> f.get("severity").asText().equals("WARNING")
                    && f.get("node").asText().equals(PRIMARY))).singleElement().satisfies(w -> {
                assertThat(w.get("message").asText()).startsWith("'shopapp'@'%' (READ ONLY ADMIN through role `ops_role`) can write");
                assertThat(w.get("fix").asText()).isEqualTo("on " + PRIMARY
                        + ": SET SESSION sql_log_bin = 0; REVOKE `ops_role` FROM 'shopapp'@'%';");
            });
        } finally {
            TestPair.sql(pair.primary, "DROP USER 'shopapp'@'%'", "DROP ROLE 'ops_role'", "DROP ROLE 'admins'");
        }
    }

    @Test
    void syncBinlogOffOnThePrimary() throws Exception {
        TestPair.sql(pair.primary, "SET GLOBAL sync_binlog = 0");
        try {
            var r = check(pair.configFile);
            r.assertProblem("sync-binlog", PRIMARY, Severity.ERROR);
            assertThat(r.problem("sync-binlog", PRIMARY).get("fix").asText()).contains("SET GLOBAL sync_binlog = 1");
            assertThat(r.exitCode()).isEqualTo(1);
        } finally {
            TestPair.sql(pair.primary, "SET GLOBAL sync_binlog = 1");
        }
    }

    @Test
    void lazyInnodbFlushOnThePrimary() throws Exception {
        TestPair.sql(pair.primary, "SET GLOBAL innodb_flush_log_at_trx_commit = 2");
        try {
            var r = check(pair.configFile);
            r.assertProblem("innodb-flush-log-at-trx-commit", PRIMARY, Severity.ERROR);
            assertThat(r.exitCode()).isEqualTo(1);
        } finally {
            TestPair.sql(pair.primary, "SET GLOBAL innodb_flush_log_at_trx_commit = 1");
        }
    }

    @Test
    void writableStandby() throws Exception {
        TestPair.sql(pair.standby, "SET GLOBAL read_only = OFF");
        try {
            var r = check(pair.configFile);
            r.assertProblem("standby-read-only", STANDBY, Severity.ERROR);
            assertThat(r.exitCode()).isEqualTo(1);
        } finally {
            TestPair.sql(pair.standby, "SET GLOBAL read_only = ON");
        }
    }

    @Test
    void duplicateServerId() throws Exception {
        // No canary: while the ids collide the standby would discard the primary's events as its own.
        TestPair.sql(pair.standby, "SET GLOBAL server_id = 1");
        try {
            var r = check(pair.configFile, "--no-canary");
            r.assertProblem("server-id", null, Severity.ERROR);
            r.assertProblem("canary", null, Severity.INFO);
            assertThat(r.exitCode()).isEqualTo(1);
        } finally {
            TestPair.sql(pair.standby, "SET GLOBAL server_id = 2");
        }
    }

    @Test
    void ioThreadStopped() throws Exception {
        TestPair.sql(pair.standby, "STOP SLAVE IO_THREAD");
        try {
            var r = check(pair.configFile, SHORT_CANARY);
            r.assertProblem("replica-io-thread", STANDBY, Severity.ERROR);
            // Stopped by hand, no error: there is no "cause above" to point at.
            assertThat(r.problem("replica-io-thread", STANDBY).get("fix").asText()).contains("START SLAVE IO_THREAD")
                    .contains("stopped without an error").doesNotContain("cause above");
            assertThat(r.exitCode()).isEqualTo(1);
        } finally {
            TestPair.sql(pair.standby, "START SLAVE IO_THREAD");
        }
    }

    @Test
    void sqlThreadStopped() throws Exception {
        TestPair.sql(pair.standby, "STOP SLAVE SQL_THREAD");
        try {
            var r = check(pair.configFile, SHORT_CANARY);
            r.assertProblem("replica-sql-thread", STANDBY, Severity.ERROR);
            assertThat(r.exitCode()).isEqualTo(1);
        } finally {
            TestPair.sql(pair.standby, "START SLAVE SQL_THREAD");
        }
    }

    @Test
    void canaryThatDoesNotArrive() throws Exception {
        TestPair.sql(pair.standby, "STOP SLAVE SQL_THREAD");
        try {
            var r = check(pair.configFile, SHORT_CANARY);
            r.assertProblem("canary", STANDBY, Severity.ERROR);
            assertThat(r.problem("canary", STANDBY).get("message").asText()).contains("did not arrive", "300ms");
            assertThat(r.json().get("canaryArrivalMs").isNull()).isTrue();
            assertThat(r.exitCode()).isEqualTo(1);
        } finally {
            TestPair.sql(pair.standby, "START SLAVE SQL_THREAD");
        }
    }

    @Test
    void heartbeatLagAboveTheRpo() throws Exception {
        // A heartbeat 10 s old reaches the standby; then the SQL thread stops and a fresh one is written.
        TestPair.sql(pair.primary, "REPLACE INTO vakt.heartbeat (server_id, ts, epoch)"
                + " VALUES (1, UTC_TIMESTAMP(6) - INTERVAL 10 SECOND, 0)");
        ReplicationFixture.awaitCaughtUp(pair);
        TestPair.sql(pair.standby, "STOP SLAVE SQL_THREAD");
        TestPair.sql(pair.primary, "REPLACE INTO vakt.heartbeat (server_id, ts, epoch) VALUES (1, UTC_TIMESTAMP(6), 0)");
        try {
            var r = check(pair.configFile, SHORT_CANARY);
            r.assertProblem("replication-lag", STANDBY, Severity.ERROR);
            assertThat(r.problem("replication-lag", STANDBY).get("message").asText())
                    .containsPattern("heartbeat lag (9|10|11)\\d{3} ms, RPO 1s")
                    .contains("Seconds_Behind_Master");
        } finally {
            TestPair.sql(pair.standby, "START SLAVE SQL_THREAD");
            TestPair.sql(pair.primary, "DELETE FROM vakt.heartbeat");
        }
    }

    @Test
    void heartbeatWithinTheRpo() throws Exception {
        TestPair.sql(pair.primary, "REPLACE INTO vakt.heartbeat (server_id, ts, epoch) VALUES (1, UTC_TIMESTAMP(6), 0)");
        ReplicationFixture.awaitCaughtUp(pair);
        try {
            var r = check(pair.configFile);
            assertThat(r.findings("replication-lag")).singleElement()
                    .satisfies(f -> assertThat(f.get("severity").asText()).as(r.raw()).isEqualTo("OK"));
            assertThat(r.findings("heartbeat")).isEmpty();
        } finally {
            TestPair.sql(pair.primary, "DELETE FROM vakt.heartbeat");
        }
    }

    @Test
    void replicationUserForAnyHost() throws Exception {
        ReplicationFixture.createReplicationUser(pair.primary, "repl", "%", secret());
        try {
            var r = check(pair.configFile);
            r.assertProblem("replication-user-wildcard", PRIMARY, Severity.ERROR);
            assertThat(r.problem("replication-user-wildcard", PRIMARY).get("fix").asText())
                    .contains("DROP USER 'repl'@'%'").doesNotContain(secret());
            assertThat(r.exitCode()).isEqualTo(1);
        } finally {
            TestPair.sql(pair.primary, "SET SESSION sql_log_bin = 0", "DROP USER 'repl'@'%'");
        }
    }

    @Test
    void replicationUserForAHostRange() throws Exception {
        ReplicationFixture.createReplicationUser(pair.primary, "repl", "127.0.0.%", secret());
        try {
            var r = check(pair.configFile);
            r.assertProblem("replication-user-wildcard", PRIMARY, Severity.WARNING);
            assertThat(r.exitCode()).isZero();
        } finally {
            TestPair.sql(pair.primary, "SET SESSION sql_log_bin = 0", "DROP USER 'repl'@'127.0.0.%'");
        }
    }

    /** Either node may be primary after a failover: a privilege missing on the standby fails the failover's fence there later. */
    @Test
    void adminAccountMissingAPrivilegeIsAnError() throws Exception {
        TestPair.sql(pair.standby, "SET SESSION sql_log_bin = 0", "REVOKE CONNECTION ADMIN ON *.* FROM 'vakt'@'127.0.0.1'");
        try {
            var r = check(pair.configFile);
            r.assertProblem("admin-privileges", STANDBY, Severity.ERROR);
            assertThat(r.problem("admin-privileges", STANDBY).get("message").asText()).contains("lacks CONNECTION ADMIN");
            assertThat(r.problem("admin-privileges", STANDBY).get("fix").asText())
                    .contains("GRANT CONNECTION ADMIN ON *.* TO 'vakt'@'127.0.0.1' WITH GRANT OPTION");
            assertThat(r.findings("admin-privileges")).anySatisfy(f -> {
                assertThat(f.get("node").asText()).isEqualTo(PRIMARY);
                assertThat(f.get("severity").asText()).isEqualTo("OK");
            });
            assertThat(r.exitCode()).isEqualTo(1);
        } finally {
            TestPair.sql(pair.standby, "SET SESSION sql_log_bin = 0", "GRANT CONNECTION ADMIN ON *.* TO 'vakt'@'127.0.0.1'");
        }
    }

    @Test
    void replicationAccountMissingOnTheStandby() throws Exception {
        TestPair.sql(pair.standby, "SET SESSION sql_log_bin = 0", "DROP USER 'repl'@'127.0.0.1'");
        try {
            var r = check(pair.configFile);
            r.assertProblem("replication-user-standby", STANDBY, Severity.WARNING);
            assertThat(r.problem("replication-user-standby", STANDBY).get("fix").asText())
                    .contains("CREATE USER IF NOT EXISTS 'repl'@'127.0.0.1'", "GRANT REPLICATION SLAVE")
                    .doesNotContain(secret());
            assertThat(r.exitCode()).isZero();
        } finally {
            ReplicationFixture.createReplicationUser(pair.standby, "repl", "127.0.0.1", secret());
        }
    }

    @Test
    void replicateDoDbFilterOnTheStandby() throws Exception {
        TestPair.sql(pair.standby, "STOP SLAVE", "SET GLOBAL replicate_do_db = 'shop'", "START SLAVE");
        try {
            ReplicationFixture.awaitRunning(pair.standby);
            var r = check(pair.configFile, SHORT_CANARY);
            // 'shop' alone leaves out vakt: heartbeats and the canary never arrive.
            r.assertProblem("replication-filter", STANDBY, Severity.ERROR);
            assertThat(r.problem("replication-filter", STANDBY).get("message").asText())
                    .contains("replicate_do_db = shop", "cross-database updates are silently skipped", "leaves out vakt");
            r.assertProblem("canary", STANDBY, Severity.ERROR);
        } finally {
            TestPair.sql(pair.standby, "STOP SLAVE", "SET GLOBAL replicate_do_db = ''", "START SLAVE");
        }
    }

    @Test
    void tlsRequiredByConfigButChannelIsPlain() throws Exception {
        var cfg = variant(pair, "tls", text -> text.replace("tls:\n    enabled: false", "tls:\n    enabled: true"));
        var r = check(cfg);
        r.assertProblem("replication-tls", STANDBY, Severity.ERROR);
        assertThat(r.problem("replication-tls", STANDBY).get("fix").asText()).contains("MASTER_SSL = 1");
        assertThat(r.exitCode()).isEqualTo(1);
    }

    @Test
    void semiSyncConfiguredButNotEnabled() throws Exception {
        var cfg = variant(pair, "semisync", text -> text.replace("semi-sync: false", "semi-sync: true"));
        var r = check(cfg);
        r.assertProblem("semi-sync", PRIMARY, Severity.WARNING);
        assertThat(r.problem("semi-sync", PRIMARY).get("message").asText()).contains("RPO not zero");
        r.assertProblem("semi-sync", STANDBY, Severity.WARNING);
        assertThat(r.exitCode()).isZero();
    }

    @Test
    void secretFileReadableByOthers() throws Exception {
        var file = pair.adminPasswordFile();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        try {
            var r = check(pair.configFile);
            assertThat(r.findings("secret-permissions")).singleElement().satisfies(f -> {
                assertThat(f.get("severity").asText()).isEqualTo("WARNING");
                assertThat(f.get("fix").asText()).isEqualTo("chmod 600 " + file + " (owned by the user vakt runs as)");
            });
            assertThat(r.exitCode()).isZero();
        } finally {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    void standbyOutsideTheAllowedJurisdictions() throws Exception {
        var cfg = variant(pair, "us", text -> {
            int last = text.lastIndexOf("country: NO");
            return text.substring(0, last) + "country: US" + text.substring(last + "country: NO".length());
        });
        var r = check(cfg);
        r.assertProblem("jurisdiction", STANDBY, Severity.ERROR);
        assertThat(r.problem("jurisdiction", STANDBY).get("message").asText()).contains("US", "[NO, EEA]");
        assertThat(r.findings("jurisdiction").stream().filter(f -> f.get("node").asText().equals(PRIMARY)))
                .singleElement().satisfies(f -> assertThat(f.get("severity").asText()).isEqualTo("OK"));
        assertThat(r.exitCode()).isEqualTo(1);
    }

    @Test
    void reversedRoleFieldsAreInfoAndEveryRuleJudgesTheLivePair() throws Exception {
        // As after a switchover with the config left alone: its role: fields name bergen-db, the live standby, primary.
        Path reversed = variant(pair, "reversed", CheckCommandTest::swapRoles);
        var asConfigured = check(pair.configFile);
        long osloBefore = sequence(ReplicationFixture.variable(pair.primary, "gtid_binlog_pos"));
        List<String> bergenOwnBefore = ownGtids(pair.standby, 2);

        var r = check(reversed);

        assertThat(r.exitCode()).as(r.raw()).isZero();
        assertThat(r.errorIds()).as(r.raw()).isEmpty();
        r.assertProblem("live-roles", null, Severity.INFO);
        assertThat(r.problem("live-roles", null).get("message").asText())
                .startsWith("live primary oslo-db, standby bergen-db").contains("the wrong way round");
        // No false findings: the same problems as with the role: fields matching, plus that INFO.
        List<String> expected = new ArrayList<>(problems(asConfigured));
        expected.add("live-roles - INFO");
        assertThat(problems(r)).as(r.raw()).containsExactlyInAnyOrderElementsOf(expected);
        // The canary was written on the live primary and arrived on the live standby; the configured primary (the
        // read-only live standby, whose admin user could still write) got no transaction of its own: no errant GTID.
        assertThat(r.findings("canary")).singleElement().satisfies(f -> {
            assertThat(f.get("severity").asText()).isEqualTo("OK");
            assertThat(f.get("node").asText()).isEqualTo(STANDBY);
        });
        assertThat(sequence(ReplicationFixture.variable(pair.primary, "gtid_binlog_pos"))).isGreaterThan(osloBefore);
        assertThat(ownGtids(pair.standby, 2)).isEqualTo(bergenOwnBefore);
        assertThat(r.findings("gtid-errant")).singleElement()
                .satisfies(f -> assertThat(f.get("severity").asText()).isEqualTo("OK"));

        Cli table = Cli.run("check", "--config", reversed.toString(), "--no-canary");
        assertThat(table.out()).startsWith("vakt check: cluster test, primary oslo-db (" + pair.primary.host());
    }

    @Test
    void whenTheServersCannotTellTheJournalsLastPromotionDecides() throws Exception {
        // oslo-db read-only and replicating from nobody, bergen-db silent: no server names a primary.
        int nothingListens = Loopback.freePort(pair.standby.host());
        Path silent = variant(pair, "silent", t -> t.replace("port: " + pair.standby.port() + "\n",
                "port: " + nothingListens + "\n"));
        Path journal = pair.dir.resolve("silent-journal.db");
        try (Journal j = new Journal(journal, Clock.systemUTC())) {
            j.recordEpoch("test", 7, STANDBY, "promoted by hand");
        }
        Path noJournal = pair.dir.resolve("no-journal.db");
        TestPair.sql(pair.primary, "SET GLOBAL read_only = ON");
        try {
            var without = check(silent, "--timeout=1s", "--journal", noJournal.toString());
            assertThat(without.problem("live-roles", null).get("message").asText())
                    .contains("cannot tell", "judged with oslo-db as the primary (the config's role:)");
            assertThat(noJournal).as("a preflight never creates a journal").doesNotExist();

            var with = check(silent, "--timeout=1s", "--journal", journal.toString());
            with.assertProblem("live-roles", null, Severity.INFO);
            assertThat(with.problem("live-roles", null).get("message").asText())
                    .contains("judged with bergen-db as the primary (the journal's last promotion)");
            // The rules follow: oslo-db is judged as the standby, whose read_only is right.
            assertThat(with.findings("standby-read-only")).singleElement().satisfies(f -> {
                assertThat(f.get("node").asText()).isEqualTo(PRIMARY);
                assertThat(f.get("severity").asText()).isEqualTo("OK");
            });
        } finally {
            TestPair.sql(pair.primary, "SET GLOBAL read_only = OFF");
        }
    }

    private static String swapRoles(String yaml) {
        return yaml.replace("role: primary", "role: X").replace("role: standby", "role: primary")
                .replace("role: X", "role: standby");
    }

    /** "id node SEVERITY" of every finding that is not OK, messages left out (they name the roles). */
    private static List<String> problems(CheckTestSupport.Result r) {
        List<String> out = new ArrayList<>();
        r.json().get("findings").forEach(f -> {
            if (!f.get("severity").asText().equals("OK")) {
                out.add(f.get("id").asText() + " " + f.get("node").asText("-") + " " + f.get("severity").asText());
            }
        });
        return out;
    }

    private static long sequence(String gtidBinlogPos) {
        return GtidPosition.parse(gtidBinlogPos).byDomain().values().stream().mapToLong(GtidPosition.Gtid::sequence).sum();
    }

    /** The GTIDs in a server's binary log that it wrote itself (its server_id), not replicated ones. */
    private static List<String> ownGtids(MariaDbServer server, long serverId) throws Exception {
        // gtid_binlog_state keeps the last GTID per domain and server; GtidPosition would fold the servers together.
        String state = ReplicationFixture.variable(server, "gtid_binlog_state");
        return java.util.Arrays.stream(state.split(",")).map(String::trim)
                .filter(g -> g.split("-").length == 3 && Long.parseLong(g.split("-")[1]) == serverId).toList();
    }

    private String secret() {
        return pair.config().replication().secret().resolve();
    }
}
