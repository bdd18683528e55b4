package no.vakt.failover.planned;

import static no.vakt.failover.planned.PairSql.readOnly;
import static no.vakt.failover.planned.PairSql.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import no.vakt.failover.plan.StepName;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.journal.StepOutcome;
import no.vakt.journal.StepRecord;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import no.vakt.traffic.NoOpTrafficSwitch;
import no.vakt.traffic.TrafficSwitch;
import org.junit.jupiter.api.Test;

/**
 * The journal stops taking writes in the middle of a switchover: another connection holds SQLite's write lock
 * past the busy timeout (as a stuck `vakt history` export or a full disk would). Before the promotion the
 * switchover stops and lifts its fence; after it every step runs. What could not be journaled is written once
 * the lock is gone.
 */
class SwitchoverJournalFailureTest {
    @Test
    void aJournalLockedBetweenFenceAndPromotionAbortsAndLiftsTheFence() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            TestPair.sql(pair.primary, "CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)");
            ReplicationFixture.awaitCaughtUp(pair);
            Path file = pair.dir.resolve(".vakt/journal.db");
            try (Connection standbyLock = pair.standby.rootConnection();
                    Journal journal = new Journal(file, Clock.systemUTC()); Journal reader = new Journal(file, Clock.systemUTC())) {
                // The standby lags (its replica threads run but cannot commit): the catch-up step waits until the
                // test lets it apply.
                try (Statement st = standbyLock.createStatement()) {
                    st.execute("FLUSH TABLES WITH READ LOCK");
                }
                TestPair.sql(pair.primary, "INSERT INTO shop.orders VALUES (1)");
                StringWriter text = new StringWriter();
                CompletableFuture<Switchover.Result> run = CompletableFuture.supplyAsync(() -> switchover(journal,
                        new NoOpTrafficSwitch(), pair, text));
                await("fenced, waiting for the standby").atMost(Duration.ofSeconds(30)).until(() -> reader.unfinishedFailover()
                        .flatMap(f -> f.lastRunOf(StepName.APPLY_RELAY_LOG.name())).isPresent());
                assertThat(readOnly(pair.primary)).isTrue();
                Switchover.Result r;
                try (Connection lock = writeLock(file)) {
                    try (Statement st = standbyLock.createStatement()) {
                        st.execute("UNLOCK TABLES");
                    }
                    r = run.get(60, TimeUnit.SECONDS);
                    assertThat(journal.deferred()).as("kept for later").isPositive();
                }
                assertThat(r.outcome()).as(text.toString()).isEqualTo(Switchover.Outcome.ABORTED);
                assertThat(r.detail()).contains("journal cannot be written", "fence lifted");
                assertThat(readOnly(pair.primary)).as("the old primary serves again").isFalse();
                assertThat(readOnly(pair.standby)).as("not promoted").isTrue();
                assertThat(ReplicationFixture.slaveStatus(pair.standby)).isNotEmpty();

                // Writable again: what waited is journaled, in order.
                assertThat(journal.flushBacklog()).isTrue();
                FailoverRecord f = reader.failovers(1).get(0);
                assertThat(f.outcome()).isEqualTo(FailoverOutcome.ABORTED);
                assertThat(f.summary()).contains("fence lifted");
                StepRecord apply = f.lastRunOf(StepName.APPLY_RELAY_LOG.name()).orElseThrow();
                assertThat(apply.outcome()).isEqualTo(StepOutcome.OK);
                assertThat(f.lastRunOf(StepName.PROMOTE_STANDBY.name())).isEmpty();
            }
        }
    }

    @Test
    void aJournalLockedAfterThePromotionLetsEveryStepRunAndJournalsThemLater() throws Exception {
        try (TestPair pair = TestPair.start()) {
            ReplicationFixture.start(pair);
            Path file = pair.dir.resolve(".vakt/journal.db");
            AtomicReference<Connection> lock = new AtomicReference<>();
            // The journal locks up in HANDOVER, past the point of no return (the switch itself works).
            TrafficSwitch lockingSwitch = (cluster, node, epoch) -> lock.set(writeLock(file));
            try (Journal journal = new Journal(file, Clock.systemUTC()); Journal reader = new Journal(file, Clock.systemUTC())) {
                StringWriter text = new StringWriter();
                Switchover.Result r;
                try {
                    r = switchover(journal, lockingSwitch, pair, text);
                    assertThat(journal.deferred()).isPositive();
                } finally {
                    if (lock.get() != null) lock.get().close();
                }
                assertThat(r.outcome()).as(text.toString()).isEqualTo(Switchover.Outcome.COMPLETED);
                assertThat(readOnly(pair.standby)).isFalse();
                assertThat(readOnly(pair.primary)).isTrue();
                assertThat(scalar(pair.standby, "SELECT epoch FROM vakt.cluster")).as("the fencing token moved").contains("1");

                assertThat(journal.flushBacklog()).isTrue();
                FailoverRecord f = reader.failovers(1).get(0);
                assertThat(f.outcome()).isEqualTo(FailoverOutcome.COMPLETED);
                assertThat(f.steps()).extracting(StepRecord::name).containsSubsequence(StepName.HANDOVER.name(),
                        StepName.BUMP_EPOCH.name());
                assertThat(f.steps()).allMatch(s -> s.outcome() == StepOutcome.OK, "every step journaled as ok");
                assertThat(reader.currentEpoch()).isEqualTo(1);
            }
        }
    }

    private static Switchover.Result switchover(Journal journal, TrafficSwitch traffic, TestPair pair, StringWriter text) {
        try {
            return new Switchover(journal, traffic, Clock.systemUTC(), Duration.ofSeconds(3))
                    .run(pair.config(), new Switchover.Options(Duration.ofSeconds(60), Duration.ofSeconds(30), false),
                            new PrintWriter(text, true));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Another connection holds the journal's write lock until closed. */
    private static Connection writeLock(Path file) throws java.sql.SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement st = c.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
        }
        return c;
    }
}
