package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.Test;

class RunCommandTest {
    @Test
    void runsOnAHealthyPairPrintsHealthyWritesHeartbeatsAndJournals() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            VaktConfig config = pair.config();
            // The heartbeat row vakt replicate may leave behind must not count: clear it on both sides.
            TestPair.sql(pair.primary, "DELETE FROM vakt.heartbeat");
            ReplicationFixture.awaitCaughtUp(pair);

            Cli r = Cli.run("run", "--config", pair.configFile.toString(), "--duration", "2s");

            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("monitoring primary " + config.primary().name() + ", standby " + config.standby().name())
                    .contains("primary " + config.primary().name() + " UNKNOWN -> HEALTHY: monitor: probe ok")
                    .contains("monitor stopped")
                    .doesNotContain("DOWN")
                    .doesNotContain("password");
            Long lag = new NodeInspector(Duration.ofSeconds(2)).inspect(config.standby()).heartbeatLagMs();
            assertThat(lag).as("heartbeat written on the primary and replicated").isNotNull().isLessThan(3000L);

            Path journalFile = pair.configFile.getParent().resolve(".vakt/journal.db");
            try (Journal journal = new Journal(journalFile, Clock.systemUTC())) {
                List<JournalEvent> events = journal.history(100);
                assertThat(events).filteredOn(e -> e.kind() == EventKind.STATE_CHANGE).extracting(JournalEvent::summary)
                        .anyMatch(s -> s.endsWith("UNKNOWN -> HEALTHY"));
            }
        }
    }

    @Test
    void aBadDurationIsAUsageError() throws Exception {
        try (TestPair pair = TestPair.start()) {
            Cli r = Cli.run("run", "--config", pair.configFile.toString(), "--duration", "soon");
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("--duration");
        }
    }
}
