package no.vakt.failover.planned;

import static no.vakt.failover.planned.PairSql.readOnly;
import static no.vakt.failover.planned.PairSql.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import no.vakt.failover.FailoverRunner;
import no.vakt.failover.plan.RecoveryAction;
import no.vakt.failover.plan.StepName;
import no.vakt.filesync.NoOpFileSyncDirector;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import no.vakt.traffic.NoOpTrafficSwitch;
import org.junit.jupiter.api.Test;

/**
 * A switchover killed past its promotion is settled by the daemon's crash recovery like a failover: the
 * engine's journal rows carry the failover's step names, so {@link no.vakt.failover.plan.RecoveryPlanner}
 * resumes it from the unfinished step.
 */
class SwitchoverCrashRecoveryTest {
    /** Stands in for kill -9 in the middle of HANDOVER: nothing after it runs or is journaled. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("kill -9");
        }
    }

    @Test
    void aSwitchoverKilledInTheHandOverIsResumedThereAndCompleted() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            try (Journal journal = new Journal(pair.dir.resolve(".vakt/journal.db"), Clock.systemUTC())) {
                StringWriter text = new StringWriter();
                assertThatThrownBy(() -> new Switchover(journal, (cluster, node, epoch) -> {
                    throw new SimulatedCrash();
                }, Clock.systemUTC(), Duration.ofSeconds(3)).run(pair.config(),
                        new Switchover.Options(Duration.ofSeconds(10), Duration.ofSeconds(30), false),
                        new PrintWriter(text, true)))
                        .isInstanceOf(SimulatedCrash.class);
                FailoverRecord left = journal.unfinishedFailover().orElseThrow();
                assertThat(left.mode()).isEqualTo(Switchover.MODE);
                assertThat(left.lastRunOf(Switchover.REPOINT_STEP)).as(text.toString()).isPresent();

                FailoverRunner runner = new FailoverRunner(pair.config(), journal, Clock.systemUTC(), a -> { },
                        new NoOpTrafficSwitch(), new NoOpFileSyncDirector());
                FailoverRunner.Recovery recovery = runner.resumeUnfinished().orElseThrow();
                assertThat(recovery.plan().action()).isEqualTo(RecoveryAction.RESUME_FROM);
                assertThat(recovery.plan().resumeFrom()).isEqualTo(StepName.HANDOVER);

                FailoverRecord f = journal.failover(left.id()).orElseThrow();
                assertThat(f.outcome()).isEqualTo(FailoverOutcome.COMPLETED);
                assertThat(f.ending()).isEqualTo(FailoverEnding.COMPLETED);
                assertThat(journal.currentEpoch()).isEqualTo(1);
            }
            assertThat(scalar(pair.standby, "SELECT CONCAT(epoch, '/', primary_node) FROM vakt.cluster WHERE id = 1"))
                    .contains("1/bergen-db");
            assertThat(readOnly(pair.standby)).isFalse();
            SwitchoverTest.assertReplicates(pair.primary, pair.standby);
        }
    }
}
