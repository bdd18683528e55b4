package no.vakt.failover.steps;

import static no.vakt.failover.steps.PairSql.readOnly;
import static no.vakt.failover.steps.PairSql.scalar;
import static no.vakt.failover.steps.PairSql.slaveStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import no.vakt.alert.Alert;
import no.vakt.failover.FailoverRunner;
import no.vakt.failover.plan.RecoveryAction;
import no.vakt.failover.plan.StepName;
import no.vakt.filesync.NoOpFileSyncDirector;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.Journal;
import no.vakt.journal.NewFailover;
import no.vakt.journal.StepOutcome;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import no.vakt.traffic.NoOpTrafficSwitch;
import org.junit.jupiter.api.Test;

/** Crash recovery with real nodes: a failover the journal shows interrupted is resumed and completes. */
class FailoverRunnerResumeTest {
    @Test
    void aFailoverInterruptedDuringApplyResumesFromThereAndCompletes() throws Exception {
        try (TestPair pair = TestPair.start();
                Journal journal = new Journal(TestPairJournal.file(pair), Clock.systemUTC())) {
            ReplicationFixture.start(pair);
            pair.primary.kill();
            // As a kill -9 of vakt during APPLY_RELAY_LOG leaves it: fencing done, apply started, no end.
            long id = journal.beginFailover(new NewFailover("test", "oslo-db", "bergen-db", "automatic", "operator-force", 1));
            int fence = journal.stepStarted(id, StepName.FENCE_OLD_PRIMARY.name());
            journal.stepFinished(id, fence, StepOutcome.SKIPPED, "oslo-db does not answer");
            journal.stepStarted(id, StepName.APPLY_RELAY_LOG.name());

            List<Alert> alerts = new ArrayList<>();
            FailoverRunner runner = new FailoverRunner(pair.config(), journal, Clock.systemUTC(), alerts::add,
                    new NoOpTrafficSwitch(), new NoOpFileSyncDirector());
            FailoverRunner.Recovery recovery = runner.resumeUnfinished().orElseThrow();
            assertThat(recovery.plan().action()).isEqualTo(RecoveryAction.RESUME_FROM);
            assertThat(recovery.plan().resumeFrom()).isEqualTo(StepName.APPLY_RELAY_LOG);
            // The data-loss re-check runs again on resume: no heartbeat ever reached the standby, so only the
            // journaled --force (the trigger label) lets it through.
            assertThat(recovery.record().outcome()).as(recovery.record().toString()).isEqualTo(FailoverOutcome.COMPLETED);
            assertThat(recovery.record().lastRunOf("CHECK_DATA_LOSS").orElseThrow().detail()).startsWith("RPO waived by --force");
            // The resumed run has no memory of the fence before the crash: it asked the old primary itself,
            // and only what it learned in this run spared the later steps a connect timeout.
            assertThat(recovery.record().steps()).extracting(s -> s.detail() == null ? "" : s.detail())
                    .noneMatch(d -> d.contains("FENCE_OLD_PRIMARY found it"));
            assertThat(recovery.record().lastRunOf("PROMOTE_STANDBY").orElseThrow().detail())
                    .startsWith("oslo-db re-checked within 250 ms (");
            assertThat(readOnly(pair.standby)).isFalse();
            assertThat(slaveStatus(pair.standby, "Slave_IO_Running")).isNull();
            assertThat(scalar(pair.standby, "SELECT epoch FROM vakt.cluster")).contains("1");
            assertThat(journal.currentEpoch()).isEqualTo(1);
            assertThat(runner.resumeUnfinished()).isEmpty();
        }
    }

    /** Where the test keeps its journal. */
    static final class TestPairJournal {
        static java.nio.file.Path file(TestPair pair) {
            return pair.dir.resolve("journal.db");
        }
    }
}
