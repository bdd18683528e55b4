package no.vakt.filesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import no.vakt.config.VaktConfig;
import no.vakt.journal.Journal;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/**
 * File sync's direction follows the live roles read from two real servers, not the config's role: fields
 * (a fresh lab whose roles were swapped said "bergen-db is the source; no target" while oslo was primary),
 * and when the journal's direction names another source the servers win and it is reported.
 */
class LiveDirectionTest {
    @Test
    void theLivePrimaryIsTheSourceWhateverTheRoleFieldsAndAStaleJournalSay() throws Exception {
        try (TestPair pair = TestPair.start()) {
            VaktConfig cfg = pair.config();
            String configured = cfg.primary().name();
            String other = cfg.standby().name();
            List<String> reports = new CopyOnWriteArrayList<>();
            // The config's primary is read-only: the servers say the other node is the primary.
            pair.primary.rootExecute("SET GLOBAL read_only = 1");
            pair.standby.rootExecute("SET GLOBAL read_only = 0");
            try (Journal journal = new Journal(pair.dir.resolve(".vakt/journal.db"), Clock.systemUTC())) {
                LiveDirection live = LiveDirection.of(cfg, journal, Clock.systemUTC(), reports::add);

                // No direction event: the servers decide, and the disagreement with role: is reported.
                SyncDirection d = live.get();
                assertThat(d.source()).isEqualTo(other);
                assertThat(d.target()).isEqualTo(configured);
                assertThat(reports).singleElement().asString().contains(other + " is the live primary")
                        .contains("role:");

                // A stale journal (the old lab's "paused, source = configured"): the servers win, said once.
                FileSyncDirections.record(journal, cfg, new SyncDirection(configured, null, 1, "failover"));
                assertThat(live.get()).isEqualTo(new SyncDirection(other, configured, 1, "live roles"));
                assertThat(live.get().source()).isEqualTo(other);
                assertThat(reports).hasSize(2);
                assertThat(reports.get(1)).contains("the journal says " + configured + " is the source");

                // The journal agrees with the servers (a failover's hand-over to them): its pause is kept.
                FileSyncDirections.record(journal, cfg, new SyncDirection(other, null, 2, "failover"));
                assertThat(live.get()).isEqualTo(new SyncDirection(other, null, 2, "failover"));

                // Both writable (split brain): the servers cannot tell, the journal decides.
                pair.primary.rootExecute("SET GLOBAL read_only = 0");
                FileSyncDirections.record(journal, cfg, new SyncDirection(other, configured, 3, "rejoin"));
                assertThat(live.get()).isEqualTo(new SyncDirection(other, configured, 3, "rejoin"));
            }
        }
    }
}
