package no.vakt.failover.planned;

import static no.vakt.failover.planned.PairSql.column;
import static no.vakt.failover.planned.PairSql.readOnly;
import static no.vakt.failover.planned.PairSql.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.vakt.filesync.FileSyncDirections;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.lab.MariaDbServer;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import no.vakt.traffic.NoOpTrafficSwitch;
import org.junit.jupiter.api.Test;

/** {@code vakt switchover} on a real replicating pair. */
class SwitchoverTest {
    static final Duration AWAIT = Duration.ofSeconds(20);
    static final Pattern WINDOW = Pattern.compile("write-unavailable window: (\\d+) ms");

    static Cli switchover(TestPair pair, String... extra) {
        String[] args = new String[3 + extra.length];
        args[0] = "switchover";
        args[1] = "--config";
        args[2] = pair.configFile.toString();
        System.arraycopy(extra, 0, args, 3, extra.length);
        Cli r = Cli.run(args);
        System.out.println(r.out() + r.err());
        return r;
    }

    static void assertReplicates(MariaDbServer replica, MariaDbServer primary) throws Exception {
        Map<String, String> s = ReplicationFixture.slaveStatus(replica);
        assertThat(s.get("Master_Host")).isEqualTo(primary.host());
        assertThat(s.get("Master_Port")).isEqualTo(Integer.toString(primary.port()));
        assertThat(s.get("Using_Gtid")).isEqualTo("Slave_Pos");
        ReplicationFixture.awaitRunning(replica);
        assertThat(readOnly(replica)).as(replica.name() + " read_only").isTrue();
        assertThat(readOnly(primary)).as(primary.name() + " read_only").isFalse();
        assertThat(ReplicationFixture.slaveStatus(primary)).as(primary.name() + " replicates from nobody").isEmpty();
    }

    static long window(Cli r) {
        Matcher m = WINDOW.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** A replicating pair with file sync configured; only the journal is touched, so the ssh port is never contacted. */
    private static TestPair replicatingWithFileSync() throws Exception {
        TestPair pair = TestPair.start();
        try {
            ReplicationFixture.start(pair);
            pair.rewriteConfig(y -> y.replace("files: {}\n", "files:\n  directories:\n"
                    + "    - path: oslo/uploads\n      target: bergen/uploads\n  ssh:\n    port: 1\n"));
            return pair;
        } catch (Exception | Error e) {
            pair.close();
            throw e;
        }
    }

    private static Switchover.Result switchover(Journal journal, no.vakt.traffic.TrafficSwitch traffic,
            no.vakt.config.VaktConfig cfg, java.io.StringWriter text) throws Exception {
        return new Switchover(journal, traffic, Clock.systemUTC(), Duration.ofSeconds(3))
                .run(cfg, new Switchover.Options(Duration.ofSeconds(10), Duration.ofSeconds(30), false),
                        new java.io.PrintWriter(text, true));
    }

    /** The direction is the switchover's own business, so the CLI, the API and a drill's switch-back agree. */
    @Test
    void aCompletedSwitchoverTurnsFileSyncAround() throws Exception {
        try (TestPair pair = replicatingWithFileSync()) {
            var cfg = pair.config();
            try (Journal journal = new Journal(pair.dir.resolve(".vakt/journal.db"), Clock.systemUTC())) {
                assertThat(FileSyncDirections.current(journal, cfg).source()).isEqualTo("oslo-db");
                java.io.StringWriter text = new java.io.StringWriter();
                Switchover.Result r = switchover(journal, new NoOpTrafficSwitch(), cfg, text);
                assertThat(r.outcome()).as(text.toString()).isEqualTo(Switchover.Outcome.COMPLETED);
                assertThat(text.toString()).contains("file sync: now bergen-db -> oslo-db");
                var d = FileSyncDirections.current(journal, cfg);
                assertThat(d.source()).isEqualTo("bergen-db");
                assertThat(d.target()).isEqualTo("oslo-db");
                assertThat(d.reason()).isEqualTo("switchover");
            }
        }
    }

    /** Past the promotion a failed traffic switch only leaves traffic pending: the epoch moves, files turn around. */
    @Test
    void aFailedTrafficSwitchCompletesTheSwitchoverWithTrafficPending() throws Exception {
        try (TestPair pair = replicatingWithFileSync()) {
            var cfg = pair.config();
            try (Journal journal = new Journal(pair.dir.resolve(".vakt/journal.db"), Clock.systemUTC())) {
                java.io.StringWriter text = new java.io.StringWriter();
                Switchover.Result r = switchover(journal, (cluster, node, epoch) -> {
                    throw new IllegalStateException("DNS API answered 503");
                }, cfg, text);
                assertThat(r.outcome()).as(text.toString()).isEqualTo(Switchover.Outcome.COMPLETED);
                assertThat(r.ending()).isEqualTo(FailoverEnding.COMPLETED_TRAFFIC_PENDING);
                assertThat(text.toString()).contains("HANDOVER: FAILED: file sync now from bergen-db; traffic switch to bergen-db failed: DNS API answered 503")
                        .contains("BUMP_EPOCH: epoch 1").contains("switchover completed, traffic PENDING: oslo-db -> bergen-db")
                        .contains("file sync: now bergen-db -> oslo-db");
                FailoverRecord f = journal.failovers(1).get(0);
                assertThat(f.outcome()).isEqualTo(FailoverOutcome.COMPLETED);
                assertThat(f.ending()).isEqualTo(FailoverEnding.COMPLETED_TRAFFIC_PENDING);
                assertThat(f.summary()).startsWith("traffic pending: oslo-db -> bergen-db, epoch 1");
                assertThat(journal.currentEpoch()).isEqualTo(1);
                assertThat(FileSyncDirections.current(journal, cfg).source()).isEqualTo("bergen-db");
            }
            assertReplicates(pair.primary, pair.standby);
            assertThat(scalar(pair.standby, "SELECT CONCAT(epoch, '/', primary_node) FROM vakt.cluster WHERE id = 1"))
                    .contains("1/bergen-db");
        }
    }

    @Test
    void roundTripKeepsEveryRowAndSwapsTheRolesTwice() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            TestPair.sql(pair.primary, "CREATE DATABASE IF NOT EXISTS shop",
                    "CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(20))",
                    "INSERT INTO shop.orders VALUES (1, 'kayak'), (2, 'paddle')");

            Cli dry = switchover(pair, "--dry-run");
            assertThat(dry.exitCode()).isZero();
            assertThat(dry.out()).contains("oslo-db is primary").contains("dry run");
            assertThat(readOnly(pair.primary)).isFalse();

            Cli first;
            try (Connection app = pair.primary.rootConnection(); Statement st = app.createStatement()) {
                st.execute("BEGIN");
                st.execute("SELECT * FROM shop.orders FOR UPDATE");
                first = switchover(pair, "--timeout", "10s");
                // The fence ended the application's session: it can commit nothing on the old primary.
                assertThat(app.isValid(2)).isFalse();
            }
            assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
            assertThat(first.out()).contains("1 client session(s) ended");
            long w1 = window(first);
            System.out.println("switchover 1 write-unavailable window: " + w1 + " ms");
            assertThat(w1).isLessThan(5000);
            assertReplicates(pair.primary, pair.standby); // oslo now follows bergen
            assertThat(column(pair.standby, "SELECT item FROM shop.orders ORDER BY id")).containsExactly("kayak", "paddle");
            TestPair.sql(pair.standby, "INSERT INTO shop.orders VALUES (3, 'tent')");
            await().atMost(AWAIT).until(() -> scalar(pair.primary, "SELECT item FROM shop.orders WHERE id = 3").isPresent());
            assertThat(scalar(pair.standby, "SELECT CONCAT(epoch, '/', primary_node) FROM vakt.cluster WHERE id = 1"))
                    .contains("1/bergen-db");

            // The config still says oslo is primary; the live roles decide, so this swaps back.
            Cli second = switchover(pair);
            assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
            assertThat(second.out()).contains("bergen-db is primary").contains("the live roles count");
            System.out.println("switchover 2 write-unavailable window: " + window(second) + " ms");
            assertThat(window(second)).isLessThan(5000);
            assertReplicates(pair.standby, pair.primary);
            TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (4, 'stove')");
            await().atMost(AWAIT).until(() -> scalar(pair.standby, "SELECT item FROM shop.orders WHERE id = 4").isPresent());
            assertThat(column(pair.standby, "SELECT item FROM shop.orders ORDER BY id"))
                    .containsExactly("kayak", "paddle", "tent", "stove");
            assertThat(column(pair.primary, "SELECT item FROM shop.orders ORDER BY id"))
                    .containsExactly("kayak", "paddle", "tent", "stove");

            try (Journal journal = new Journal(pair.dir.resolve(".vakt/journal.db"), Clock.systemUTC())) {
                var failovers = journal.failovers(10);
                assertThat(failovers).hasSize(2);
                assertThat(failovers).allSatisfy(f -> {
                    assertThat(f.mode()).isEqualTo(Switchover.MODE);
                    assertThat(f.outcome()).isEqualTo(FailoverOutcome.COMPLETED);
                    assertThat(f.steps()).extracting(s -> s.name()).containsExactly("FENCE_OLD_PRIMARY", "APPLY_RELAY_LOG",
                            "CHECK_DATA_LOSS", "PROMOTE_STANDBY", "VERIFY_WRITE", "REPOINT_OLD_PRIMARY", "HANDOVER", "BUMP_EPOCH");
                });
                assertThat(failovers).extracting(FailoverRecord::toNode).containsExactlyInAnyOrder("bergen-db", "oslo-db");
                assertThat(journal.currentEpoch()).isEqualTo(2);
            }
        }
    }

    @Test
    void aStandbyThatCannotCatchUpLiftsTheFenceAndTheOldPrimaryStays() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            TestPair.sql(pair.primary, "CREATE DATABASE IF NOT EXISTS shop",
                    "CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(20))");
            ReplicationFixture.awaitCaughtUp(pair);
            Path journalFile = pair.dir.resolve("elsewhere/journal.db");
            try (Connection lock = pair.standby.rootConnection(); Statement st = lock.createStatement()) {
                // The standby's SQL thread blocks behind a global read lock: its threads run, it cannot apply.
                st.execute("FLUSH TABLES WITH READ LOCK");
                TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (1, 'kayak')");
                Cli r = switchover(pair, "--timeout", "1s", "--journal", journalFile.toString());
                assertThat(r.exitCode()).isEqualTo(1);
                assertThat(r.out()).contains("did not reach").contains("fence lifted");
                assertThat(readOnly(pair.primary)).isFalse();
                assertThat(readOnly(pair.standby)).isTrue();
                assertThat(ReplicationFixture.slaveStatus(pair.standby).get("Slave_IO_Running")).isEqualTo("Yes");
                st.execute("UNLOCK TABLES");
            }
            TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (2, 'paddle')");
            await().atMost(AWAIT).until(() -> scalar(pair.standby, "SELECT item FROM shop.orders WHERE id = 2").isPresent());
            try (Journal journal = new Journal(journalFile, Clock.systemUTC())) {
                FailoverRecord f = journal.failovers(1).get(0);
                assertThat(f.outcome()).isEqualTo(FailoverOutcome.ABORTED);
                assertThat(f.summary()).contains("APPLY_RELAY_LOG failed");
                assertThat(journal.currentEpoch()).isZero();
            }
        }
    }

    @Test
    void refusesWhenTheStandbyIsNotReplicating() throws Exception {
        try (TestPair pair = TestPair.start()) {
            Cli r = switchover(pair);
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.out()).contains("switchover refused");
            assertThat(readOnly(pair.primary)).isFalse();
        }
    }
}
