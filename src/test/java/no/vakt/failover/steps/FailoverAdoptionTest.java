package no.vakt.failover.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import no.vakt.failover.FailoverRunner;
import no.vakt.failover.plan.RecoveryAction;
import no.vakt.failover.plan.StepName;
import no.vakt.filesync.NoOpFileSyncDirector;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverOwner;
import no.vakt.journal.Journal;
import no.vakt.journal.NewFailover;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import no.vakt.traffic.NoOpTrafficSwitch;
import org.junit.jupiter.api.Test;

/** Crash recovery adopts a running failover only when the process that runs it is gone. */
class FailoverAdoptionTest {
    @Test
    void aFailoverWhoseOwnerStillRunsIsLeftToItAndAdoptedOnceItIsGone() throws Exception {
        Process owner = new ProcessBuilder("sleep", "120").start();
        try (TestPair pair = TestPair.start();
                Journal journal = new Journal(pair.dir.resolve("journal.db"), Clock.systemUTC())) {
            ReplicationFixture.start(pair);
            long id = journal.beginFailover(new NewFailover("test", "oslo-db", "bergen-db", "switchover", "operator", 1));
            journal.stepStarted(id, StepName.FENCE_OLD_PRIMARY.name());
            assertThat(journal.owner(id)).contains(FailoverOwner.current());
            // As another process's switchover leaves its row: that process runs and acts.
            ownedBy(pair.dir.resolve("journal.db"), id, owner.toHandle());

            FailoverRunner runner = new FailoverRunner(pair.config(), journal, Clock.systemUTC(), a -> { },
                    new NoOpTrafficSwitch(), new NoOpFileSyncDirector());
            FailoverRunner.Recovery left = runner.resumeUnfinished().orElseThrow();
            assertThat(left.plan().action()).isEqualTo(RecoveryAction.LEFT_TO_OWNER);
            assertThat(left.plan().reason()).contains("pid " + owner.pid());
            assertThat(journal.failover(id).orElseThrow().outcome()).isEqualTo(FailoverOutcome.RUNNING);
            assertThat(PairSql.readOnly(pair.primary)).as("nothing fenced behind the owner's back").isFalse();

            owner.destroyForcibly();
            owner.waitFor(10, TimeUnit.SECONDS);
            FailoverRunner.Recovery adopted = runner.resumeUnfinished().orElseThrow();
            assertThat(adopted.plan().action()).isNotEqualTo(RecoveryAction.LEFT_TO_OWNER);
            assertThat(journal.failover(id).orElseThrow().outcome()).isNotEqualTo(FailoverOutcome.RUNNING);
        } finally {
            owner.destroyForcibly();
        }
    }

    private static void ownedBy(Path journal, long id, ProcessHandle p) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + journal);
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE failovers SET owner_pid = ?, owner_started = ? WHERE id = ?")) {
            ps.setLong(1, p.pid());
            ps.setLong(2, p.info().startInstant().orElseThrow().toEpochMilli());
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }
}
