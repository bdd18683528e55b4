package no.vakt.failover.planned;

import static no.vakt.failover.planned.PairSql.column;
import static no.vakt.failover.planned.PairSql.readOnly;
import static no.vakt.failover.planned.PairSql.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import no.vakt.db.DbSession;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeOperations;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/** {@code vakt rejoin} after a failover done by hand: oslo killed, bergen promoted, oslo back. */
class RejoinTest {
    static final Duration AWAIT = Duration.ofSeconds(20);

    static Cli rejoin(TestPair pair, String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "rejoin";
        args[1] = "--config";
        args[2] = pair.configFile.toString();
        args[3] = "oslo-db";
        System.arraycopy(extra, 0, args, 4, extra.length);
        Cli r = Cli.run(args);
        System.out.println(r.out() + r.err());
        return r;
    }

    static void replicatingShop(TestPair pair) throws Exception {
        ReplicationFixture.start(pair);
        TestPair.sql(pair.primary, "CREATE DATABASE IF NOT EXISTS shop",
                "CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(40))",
                "INSERT INTO shop.orders VALUES (1, 'kayak'), (2, 'paddle')");
        ReplicationFixture.awaitCaughtUp(pair);
    }

    /** The failover by hand: oslo dies, bergen is promoted and takes writes, oslo comes back writable. */
    static void failOverByHandAndRestartOslo(TestPair pair) throws Exception {
        pair.primary.kill();
        var bergen = pair.config().standby();
        try (DbSession db = new NodeInspector(Duration.ofSeconds(5)).open(bergen)) {
            NodeOperations.promote(db);
        }
        TestPair.sql(pair.standby, "INSERT INTO shop.orders VALUES (10, 'tent'), (11, 'stove')");
        pair.primary.start();
        assertThat(readOnly(pair.primary)).as("oslo restarts writable, as its my.cnf says").isFalse();
    }

    static List<JournalEvent> operatorActions(TestPair pair) {
        try (Journal journal = new Journal(pair.dir.resolve(".vakt/journal.db"), Clock.systemUTC())) {
            return journal.history(100).stream().filter(e -> e.kind() == EventKind.OPERATOR_ACTION).toList();
        }
    }

    @Test
    void aFormerPrimaryWithoutErrantTransactionsFollowsTheNewPrimary() throws Exception {
        try (TestPair pair = TestPair.start()) {
            replicatingShop(pair);
            failOverByHandAndRestartOslo(pair);

            Cli r = rejoin(pair);
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("rejoined").doesNotContain("saved to");
            SwitchoverTest.assertReplicates(pair.primary, pair.standby);
            await().atMost(AWAIT).until(() -> scalar(pair.primary, "SELECT item FROM shop.orders WHERE id = 11").isPresent());
            TestPair.sql(pair.standby, "INSERT INTO shop.orders VALUES (12, 'map')");
            await().atMost(AWAIT).until(() -> scalar(pair.primary, "SELECT item FROM shop.orders WHERE id = 12").isPresent());
            assertThat(column(pair.primary, "SELECT id FROM shop.orders ORDER BY id")).containsExactly("1", "2", "10", "11", "12");
            assertThat(Files.exists(pair.dir.resolve(".vakt/errant"))).isFalse();

            Cli again = rejoin(pair);
            assertThat(again.exitCode()).isZero();
            assertThat(again.out()).contains("already replicates");
            assertThat(operatorActions(pair)).extracting(JournalEvent::summary)
                    .anySatisfy(s -> assertThat(s).startsWith("rejoin of oslo-db: oslo-db replicates from bergen-db"));
        }
    }

    @Test
    void errantTransactionsAreSavedAndOnlyDiscardedOnRequest() throws Exception {
        try (TestPair pair = TestPair.start()) {
            replicatingShop(pair);
            TestPair.sql(pair.standby, "STOP SLAVE");
            TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (99, 'errant-only-on-oslo-7f3a')");
            failOverByHandAndRestartOslo(pair);
            String osloGtidsBefore = scalar(pair.primary, "SELECT @@GLOBAL.gtid_binlog_state").orElseThrow();

            Cli refused = rejoin(pair);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.out()).contains("0-1-").contains("saved to").contains("--discard-errant");
            Path dir = pair.dir.resolve(".vakt/errant");
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.toList();
            }
            assertThat(files).hasSize(1);
            Path saved = files.get(0);
            assertThat(saved.getFileName().toString()).startsWith("oslo-db-").endsWith(".sql");
            assertThat(Files.getPosixFilePermissions(saved)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            String text = Files.readString(saved);
            assertThat(text).contains("errant-only-on-oslo-7f3a");
            assertThat(text).as("only what bergen lacks").doesNotContain("'kayak'");
            // Untouched: still writable, not replicating, same GTID history.
            assertThat(readOnly(pair.primary)).isFalse();
            assertThat(ReplicationFixture.slaveStatus(pair.primary)).isEmpty();
            assertThat(scalar(pair.primary, "SELECT @@GLOBAL.gtid_binlog_state")).contains(osloGtidsBefore);

            Cli discarded = rejoin(pair, "--discard-errant");
            assertThat(discarded.exitCode()).as(discarded.out() + discarded.err()).isZero();
            assertThat(discarded.out()).contains("rejoined").contains("still in oslo-db's tables");
            SwitchoverTest.assertReplicates(pair.primary, pair.standby);
            await().atMost(AWAIT).until(() -> scalar(pair.primary, "SELECT item FROM shop.orders WHERE id = 11").isPresent());
            TestPair.sql(pair.standby, "INSERT INTO shop.orders VALUES (12, 'map')");
            await().atMost(AWAIT).until(() -> scalar(pair.primary, "SELECT item FROM shop.orders WHERE id = 12").isPresent());
            try (Stream<Path> s = Files.list(dir)) {
                assertThat(s.count()).as("saved again before discarding").isEqualTo(2);
            }
            assertThat(operatorActions(pair)).extracting(JournalEvent::summary)
                    .anySatisfy(s -> assertThat(s).contains("refused: errant transactions"))
                    .anySatisfy(s -> assertThat(s).contains("shared position"));
        }
    }
}
