package no.vakt.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.SyncedUploads;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

/**
 * A drill with its own monitor stands in for {@code vakt run}, file sync included: the canary file it
 * writes before the fault must reach the new primary's site, the failover pauses file sync, and the
 * restore (rejoin, switch back) turns it around again, as recorded in the journal.
 */
class DrillFilesTest {
    @Test
    void theCanaryReachesTheNewPrimaryAndTheRestoreTurnsFileSyncBack() throws Exception {
        try (TestPair pair = DrillTestSupport.pair().start()) {
            try (SyncedUploads uploads = SyncedUploads.start(pair, null)) {
                Path oslo = uploads.oslo;
                Path bergen = uploads.bergen;
                Files.writeString(oslo.resolve("logo.svg"), "<svg/>");
                ReplicationFixture.start(pair);
                DrillTestSupport.tune(pair);
                Path reportDir = pair.dir.resolve("report-files");

                Cli cli = DrillTestSupport.drill(pair, "--fault", "kill-db", "--report", reportDir.toString(), "--rejoin",
                        "--switch-back", "--discard-errant");

                String all = cli.out() + cli.err();
                assertThat(cli.exitCode()).as(all).isZero();
                assertThat(all).contains("file sync started: oslo-db -> bergen-db", "file sync paused: bergen-db is the source",
                        "file sync: now bergen-db -> oslo-db", "file sync: now oslo-db -> bergen-db");
                JsonNode r = DrillTestSupport.report(reportDir);
                assertThat(r.get("passed").asBoolean()).as(all).isTrue();
                List<String> files = new ArrayList<>();
                r.get("timeline").forEach(e -> {
                    if (e.get("kind").asText().equals("files")) files.add(e.get("what").asText());
                });
                // In step before the fault (as a site in steady state is), and still there after the failover.
                assertThat(files).as(all).hasSize(2);
                assertThat(files.get(0)).contains("file sync carried the drill's canary to bergen-db's site", "before the fault");
                assertThat(files.get(1)).contains("files present at bergen-db's site");
                assertThat(r.get("skipped").toString()).doesNotContain("files");
                assertThat(r.get("restore").toString()).contains("removed the canary file .vakt-drill-");

                assertThat(bergen.resolve("logo.svg")).hasContent("<svg/>");
                assertThat(canaries(oslo)).isEmpty();
                assertThat(canaries(bergen)).isEmpty();

                try (Journal journal = new Journal(pair.configFile.getParent().resolve(".vakt/journal.db"), Clock.systemUTC())) {
                    List<String> directions = journal.history(500).stream().filter(e -> e.kind() == EventKind.FILE_SYNC)
                            .map(JournalEvent::summary).toList();
                    // Oldest first: the failover's pause, the rejoin, the switch back.
                    assertThat(directions).hasSize(3);
                    assertThat(directions.get(0)).contains("paused: bergen-db is the source");
                    assertThat(directions.get(1)).contains("bergen-db -> oslo-db (rejoin)");
                    assertThat(directions.get(2)).contains("oslo-db -> bergen-db (switchover)");
                }
            }
        }
    }

    private static List<Path> canaries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".vakt-drill-")).toList();
        }
    }
}
