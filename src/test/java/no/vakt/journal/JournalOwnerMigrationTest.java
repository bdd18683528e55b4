package no.vakt.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import no.vakt.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema 3 names the owner of each failover; a schema-2 journal is migrated in place, its rows kept. */
class JournalOwnerMigrationTest {
    @TempDir
    Path dir;

    @Test
    void aSchemaTwoJournalGetsOwnerColumnsAndKeepsItsRunningFailoverWithoutOwner() throws Exception {
        Path db = dir.resolve("journal.db");
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        long id;
        try (Journal j = new Journal(db, clock)) {
            id = j.beginFailover(new NewFailover("shop", "a", "b", "switchover", "operator", 1));
        }
        // Back to what Vakt wrote before owners: schema 2, no owner columns.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE failovers DROP COLUMN owner_host");
            st.execute("ALTER TABLE failovers DROP COLUMN owner_pid");
            st.execute("ALTER TABLE failovers DROP COLUMN owner_started");
            st.execute("ALTER TABLE failovers DROP COLUMN ending");
            st.execute("PRAGMA user_version = 2");
        }
        try (Journal j = new Journal(db, clock)) {
            assertThat(j.unfinishedFailover()).map(FailoverRecord::id).contains(id);
            assertThat(j.owner(id)).as("journaled before owners: nobody named").isEmpty();
            j.finishFailover(id, FailoverEnding.ABORTED_BEFORE_PROMOTION, "test");
            long next = j.beginFailover(new NewFailover("shop", "a", "b", "switchover", "operator", 1));
            assertThat(j.owner(next)).contains(FailoverOwner.current());
        }
        try (Journal j = new Journal(db, clock)) {
            assertThat(j.failovers(5)).hasSize(2); // reopening a migrated journal changes nothing
        }
    }
}
