package no.vakt.failover.steps;

import static no.vakt.failover.steps.PairSql.readOnly;
import static no.vakt.failover.steps.PairSql.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import no.vakt.failover.FailoverRunner;
import no.vakt.failover.plan.StepName;
import no.vakt.filesync.NoOpFileSyncDirector;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.journal.StepRecord;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import no.vakt.traffic.TrafficSwitch;
import org.junit.jupiter.api.Test;

/**
 * The journal stops taking writes after the promotion (another connection holds SQLite's write lock past the
 * busy timeout): the failover still runs every step, the new primary gets its epoch, and the journal gets the
 * steps it missed once the lock is gone.
 */
class FailoverJournalFailureTest {
    @Test
    void aJournalLockedAfterThePromotionStillRaisesTheEpochAndIsJournaledLater() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            pair.primary.kill();
            Path file = pair.dir.resolve("journal.db");
            AtomicReference<Connection> lock = new AtomicReference<>();
            // HANDOVER runs after PROMOTE_STANDBY and VERIFY_WRITE: the journal locks up there.
            TrafficSwitch lockingSwitch = (cluster, node, epoch) -> lock.set(writeLock(file));
            try (Journal journal = new Journal(file, Clock.systemUTC()); Journal reader = new Journal(file, Clock.systemUTC())) {
                FailoverRunner runner = new FailoverRunner(pair.config(), journal, Clock.systemUTC(), a -> { },
                        lockingSwitch, new NoOpFileSyncDirector());
                FailoverRunner.Outcome outcome;
                try {
                    FailoverRunner.Prepared prepared = runner.prepare(FailoverRunner.Request.operator(true, true));
                    outcome = runner.execute(prepared);
                    assertThat(journal.deferred()).as("kept for later").isPositive();
                } catch (RuntimeException e) {
                    throw new AssertionError("the failover must not abort outside its step handling", e);
                } finally {
                    if (lock.get() != null) lock.get().close();
                }
                assertThat(outcome.execution().promoted()).isTrue();
                assertThat(readOnly(pair.standby)).isFalse();
                assertThat(scalar(pair.standby, "SELECT epoch FROM vakt.cluster")).as("the fencing token moved").contains("1");

                assertThat(journal.flushBacklog()).isTrue();
                FailoverRecord f = reader.failover(outcome.execution().failoverId()).orElseThrow();
                assertThat(f.outcome()).isNotEqualTo(FailoverOutcome.RUNNING);
                assertThat(f.steps()).extracting(StepRecord::name).contains(StepName.BUMP_EPOCH.name());
                assertThat(f.steps()).allMatch(StepRecord::finished);
                assertThat(reader.currentEpoch()).isEqualTo(1);
            }
        }
    }

    private static Connection writeLock(Path file) throws java.sql.SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement st = c.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
        }
        return c;
    }
}
