package no.vakt.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import no.vakt.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema 4 journals how each failover ended in its own column. A schema-3 journal (written here with the
 * DDL Vakt 3 used) is migrated in place: each old row's ending is read once from what was journaled then.
 */
class JournalEndingMigrationTest {
    @TempDir
    Path dir;

    @Test
    void aSchemaThreeJournalGetsEachOldFailoversEndingFromItsSummaryAndSteps() throws Exception {
        Path db = dir.resolve("journal.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            schemaThree(st);
            failover(st, 1, "completed", 1_000, "oslo-db -> bergen-db, epoch 1");
            failover(st, 2, "completed", 2_000, "traffic pending: bergen-db -> oslo-db, epoch 2; traffic switch failed");
            failover(st, 3, "aborted", 3_000, "FENCE_OLD_PRIMARY failed: timeout");
            failover(st, 4, "aborted", 4_000, "VERIFY_WRITE failed; oslo-db was promoted (past the point of no return)");
            step(st, 4, 1, "PROMOTE_STANDBY", "ok");
            step(st, 4, 2, "VERIFY_WRITE", "failed");
            failover(st, 5, "aborted", 5_000, "stopped by crash recovery: resumed promotion found done");
            step(st, 5, 1, "PROMOTE_STANDBY", "skipped");
            failover(st, 6, "aborted", 6_000, "PROMOTE_STANDBY failed: read_only stayed ON");
            step(st, 6, 1, "PROMOTE_STANDBY", "failed");
            failover(st, 7, "refused", 7_000, "cooldown active");
            // A completed one whose summary only mentions the words further in is not pending; nor is a null summary.
            failover(st, 8, "completed", 8_000, "oslo-db -> bergen-db; the traffic pending: note was cleared");
            failover(st, 9, "completed", 9_000, null);
            failover(st, 10, "running", null, null);
            st.execute("PRAGMA user_version = 3");
        }

        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (Journal j = new Journal(db, clock)) {
            Map<Long, FailoverRecord> byId = j.failovers(20).stream()
                    .collect(Collectors.toMap(FailoverRecord::id, Function.identity()));
            assertThat(byId).hasSize(10);
            assertThat(byId.get(1L).ending()).isEqualTo(FailoverEnding.COMPLETED);
            assertThat(byId.get(2L).ending()).isEqualTo(FailoverEnding.COMPLETED_TRAFFIC_PENDING);
            assertThat(byId.get(2L).label()).isEqualTo("completed, traffic pending");
            assertThat(byId.get(2L).summary()).as("the text for people stays as it was")
                    .startsWith("traffic pending: bergen-db -> oslo-db");
            assertThat(byId.get(3L).ending()).isEqualTo(FailoverEnding.ABORTED_BEFORE_PROMOTION);
            assertThat(byId.get(4L).ending()).isEqualTo(FailoverEnding.ABORTED_AFTER_PROMOTION);
            assertThat(byId.get(5L).ending()).isEqualTo(FailoverEnding.ABORTED_AFTER_PROMOTION);
            assertThat(byId.get(6L).ending()).isEqualTo(FailoverEnding.ABORTED_BEFORE_PROMOTION);
            assertThat(byId.get(7L).ending()).isEqualTo(FailoverEnding.REFUSED);
            assertThat(byId.get(8L).ending()).isEqualTo(FailoverEnding.COMPLETED);
            assertThat(byId.get(9L).ending()).isEqualTo(FailoverEnding.COMPLETED);
            assertThat(byId.get(10L).ending()).isNull();
            assertThat(j.endingCounts()).containsEntry(FailoverEnding.COMPLETED, 3L)
                    .containsEntry(FailoverEnding.COMPLETED_TRAFFIC_PENDING, 1L)
                    .containsEntry(FailoverEnding.ABORTED_AFTER_PROMOTION, 2L)
                    .containsEntry(FailoverEnding.ABORTED_BEFORE_PROMOTION, 2L)
                    .containsEntry(FailoverEnding.REFUSED, 1L);
            // The cooldown counts what changed the roles: the newest is the aborted one past its promotion (id 5)
            // or a later completed one (8, 9): 9 ended last.
            assertThat(j.lastFailoverEnd()).contains(Instant.ofEpochMilli(9_500));

            // The one left running ends with its ending journaled as any new one.
            j.finishFailover(10, FailoverEnding.COMPLETED_TRAFFIC_PENDING, "traffic pending: after the upgrade");
            assertThat(j.failover(10).orElseThrow().ending()).isEqualTo(FailoverEnding.COMPLETED_TRAFFIC_PENDING);
        }
        try (Journal j = new Journal(db, clock); Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(4);
            assertThat(j.endingCounts()).as("reopening a schema-4 journal changes nothing")
                    .containsEntry(FailoverEnding.COMPLETED_TRAFFIC_PENDING, 2L).containsEntry(FailoverEnding.COMPLETED, 3L);
        }
    }

    /** The tables as Vakt wrote them at schema 3 (no ending column). */
    private static void schemaThree(Statement st) throws Exception {
        st.execute("CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, cluster TEXT,"
                + " kind TEXT NOT NULL, node TEXT, summary TEXT NOT NULL, failover_id INTEGER REFERENCES failovers(id),"
                + " details TEXT NOT NULL DEFAULT '{}')");
        st.execute("CREATE TABLE failovers (id INTEGER PRIMARY KEY AUTOINCREMENT, cluster TEXT,"
                + " started_at INTEGER NOT NULL, ended_at INTEGER, from_node TEXT NOT NULL, to_node TEXT NOT NULL,"
                + " mode TEXT NOT NULL, trigger TEXT NOT NULL,"
                + " outcome TEXT NOT NULL CHECK (outcome IN ('running','completed','aborted','refused')),"
                + " epoch INTEGER NOT NULL, summary TEXT, primary_last_write INTEGER, owner_host TEXT,"
                + " owner_pid INTEGER, owner_started INTEGER)");
        st.execute("CREATE UNIQUE INDEX failovers_one_running ON failovers(outcome) WHERE outcome = 'running'");
        st.execute("CREATE TABLE steps (failover_id INTEGER NOT NULL REFERENCES failovers(id), seq INTEGER NOT NULL,"
                + " name TEXT NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER,"
                + " outcome TEXT CHECK (outcome IN ('ok','failed','skipped')), detail TEXT, PRIMARY KEY (failover_id, seq))");
        st.execute("CREATE TABLE epochs (epoch INTEGER PRIMARY KEY, at INTEGER NOT NULL, cluster TEXT, node TEXT,"
                + " reason TEXT)");
    }

    /** A failover row; {@code startedAt} null: still running (ends at start + 500 ms otherwise). */
    private static void failover(Statement st, long id, String outcome, Integer startedAt, String summary) throws Exception {
        long start = startedAt == null ? 10_000 : startedAt;
        st.execute("INSERT INTO failovers (id, cluster, started_at, ended_at, from_node, to_node, mode, trigger, outcome,"
                + " epoch, summary) VALUES (" + id + ", 'shop', " + start + ", " + (startedAt == null ? "NULL" : start + 500)
                + ", 'oslo-db', 'bergen-db', 'automatic', 'automatic-detection', '" + outcome + "', " + id + ", "
                + (summary == null ? "NULL" : "'" + summary.replace("'", "''") + "'") + ")");
    }

    private static void step(Statement st, long failoverId, int seq, String name, String outcome) throws Exception {
        st.execute("INSERT INTO steps (failover_id, seq, name, started_at, ended_at, outcome) VALUES (" + failoverId
                + ", " + seq + ", '" + name + "', 1, 2, '" + outcome + "')");
    }
}
