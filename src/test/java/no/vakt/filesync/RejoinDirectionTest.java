package no.vakt.filesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.journal.Journal;
import no.vakt.testing.TestDirs;
import org.junit.jupiter.api.Test;

/**
 * A rejoin's direction is at least of the primary's epoch: with agents, the failover another agent ran is not in this
 * journal, and a rejoin journaled at the journal's old epoch would stay behind the cluster's record (docs/ha.md).
 */
class RejoinDirectionTest {
    private static final VaktConfig CONFIG = ConfigLoader.parse(Path.of("vakt.yml"), AgentDirectionTest.PAIR + """
            files:
              directories:
                - path: oslo/uploads
                  target: bergen/uploads
              ssh: {user: vakt}
            """);

    @Test
    void aJournalThatNeverSawTheFailoverTakesThePrimarysEpoch() throws Exception {
        try (Journal journal = new Journal(TestDirs.create("rejoin-").resolve("journal.db"), Clock.systemUTC())) {
            FileSyncDirections.afterRejoin(journal, CONFIG, CONFIG.node("oslo-db").orElseThrow(), 5);
            assertThat(FileSyncDirections.current(journal, CONFIG)).isEqualTo(new SyncDirection("bergen-db", "oslo-db", 5, "rejoin"));
        }
    }

    @Test
    void theSameWayRoundOfAnOlderEpochIsRecordedAgain() throws Exception {
        try (Journal journal = new Journal(TestDirs.create("rejoin-").resolve("journal.db"), Clock.systemUTC())) {
            FileSyncDirections.record(journal, CONFIG, new SyncDirection("bergen-db", "oslo-db", 1, "rejoin"));
            FileSyncDirections.afterRejoin(journal, CONFIG, CONFIG.node("oslo-db").orElseThrow(), 5);
            assertThat(FileSyncDirections.current(journal, CONFIG).epoch()).isEqualTo(5);
        }
    }
}
