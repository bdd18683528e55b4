package no.vakt.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import no.vakt.failover.plan.ExecutionResult;
import no.vakt.journal.EventKind;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.Journal;
import no.vakt.journal.NewFailover;
import no.vakt.journal.StepOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the dashboard and /metrics read from a real journal file, with a clock the test moves. */
class JournalFactsTest {
    @TempDir
    Path dir;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T03:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    private void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    @Test
    void countsFailoversByOutcomeTimesTheLastOneAndFollowsAlertsIncrementally() {
        try (Journal journal = new Journal(dir.resolve("j.db"), clock)) {
            JournalFacts facts = new JournalFacts(journal, "shop", clock);
            assertThat(facts.get().failoversTotal()).isZero();
            assertThat(facts.get().lastFailoverDurationMs()).isNull();
            assertThat(facts.get().lastDrill()).isEmpty();

            journal.recordRefusal(new NewFailover("shop", "oslo-db", "bergen-db", "automatic", "automatic-detection", 1),
                    "RPO_EXCEEDED");
            long id = journal.beginFailover(new NewFailover("shop", "oslo-db", "bergen-db", "manual", "operator", 1));
            advance(Duration.ofMillis(180));
            journal.finishFailover(id, FailoverEnding.COMPLETED, "bergen-db is primary");
            journal.append(EventKind.ALERT_DELIVERY, "shop", null, "a", Map.of("channel", "email", "outcome", "failed"));
            journal.append(EventKind.ALERT_DELIVERY, "shop", null, "b", Map.of("channel", "email", "outcome", "failed"));
            journal.append(EventKind.ALERT, "shop", null, "c", Map.of());

            // Cached for a second: the journal is not re-read on every request.
            assertThat(facts.get().failoversTotal()).isZero();
            advance(JournalFacts.MAX_AGE);
            JournalFacts.Facts f = facts.get();
            assertThat(f.failovers()).containsEntry(FailoverOutcome.REFUSED, 1L).containsEntry(FailoverOutcome.COMPLETED, 1L);
            assertThat(f.lastFailoverDurationMs()).isEqualTo(180);
            assertThat(f.lastFinishedFailover().id()).isEqualTo(id);
            assertThat(f.runningFailover()).isNull();
            assertThat(f.alertDeliveries()).containsEntry(new JournalFacts.AlertDelivery("email", "failed"), 2L)
                    .containsEntry(new JournalFacts.AlertDelivery("none", "raised"), 1L);

            journal.append(EventKind.ALERT_DELIVERY, "shop", null, "d", Map.of("channel", "email", "outcome", "failed"));
            journal.append(EventKind.DRILL, "shop", null, "drill", Map.of("passed", true, "rto_ms", 900, "rpo_ms", 0));
            facts.invalidate();
            f = facts.get();
            assertThat(f.alertDeliveries()).containsEntry(new JournalFacts.AlertDelivery("email", "failed"), 3L)
                    .containsEntry(new JournalFacts.AlertDelivery("none", "raised"), 1L);
            assertThat(f.lastDrill()).hasValueSatisfying(d -> assertThat(d.rtoMs()).isEqualTo(900));
        }
    }

    @Test
    void countsFailoversThatEndedWithTrafficPendingAndReadsThePendingSwitchOfItsCluster() {
        try (Journal journal = new Journal(dir.resolve("j.db"), clock)) {
            JournalFacts facts = new JournalFacts(journal, "shop", clock);
            assertThat(facts.get().failoversTrafficPending()).isZero();
            assertThat(facts.get().trafficPending()).isNull();

            long pending = journal.beginFailover(new NewFailover("shop", "oslo-db", "bergen-db", "manual", "operator", 1));
            // Only the journaled ending counts: a step's detail or another ending's summary worded alike do not.
            int seq = journal.stepStarted(pending, "HANDOVER");
            journal.stepFinished(pending, seq, StepOutcome.FAILED, ExecutionResult.TRAFFIC_PENDING_SUMMARY + "x");
            journal.finishFailover(pending, FailoverEnding.COMPLETED_TRAFFIC_PENDING,
                    ExecutionResult.TRAFFIC_PENDING_SUMMARY + "oslo-db -> bergen-db, epoch 1; traffic switch failed");
            long clean = journal.beginFailover(new NewFailover("shop", "bergen-db", "oslo-db", "switchover", "operator", 2));
            journal.finishFailover(clean, FailoverEnding.COMPLETED, "bergen-db -> oslo-db, epoch 2");
            long aborted = journal.beginFailover(new NewFailover("shop", "oslo-db", "bergen-db", "switchover", "operator", 3));
            journal.finishFailover(aborted, FailoverEnding.ABORTED_BEFORE_PROMOTION, ExecutionResult.TRAFFIC_PENDING_SUMMARY + "not completed");
            journal.append(EventKind.TRAFFIC, "shop", "bergen-db", "traffic switch to bergen-db PENDING",
                    Map.of("switch", "pending", "node", "bergen-db", "epoch", 1, "pending_since", "2026-01-01T03:00:00Z",
                            "attempts", 2, "error", "[0] BADSIG"));
            // Another cluster sharing the journal file is not this dashboard's business.
            journal.append(EventKind.TRAFFIC, "other", "x-db", "traffic switched to x-db", Map.of("switch", "switched", "node", "x-db"));

            facts.invalidate();
            JournalFacts.Facts f = facts.get();
            assertThat(f.failoversTrafficPending()).isEqualTo(1);
            assertThat(f.failovers()).containsEntry(FailoverOutcome.COMPLETED, 2L);
            assertThat(f.trafficPending()).isNotNull().satisfies(p -> {
                assertThat(p.node()).isEqualTo("bergen-db");
                assertThat(p.attempts()).isEqualTo(2);
                assertThat(p.error()).isEqualTo("[0] BADSIG");
            });

            // Counted once: re-reading follows only the new events; a later switch clears the pending state.
            journal.append(EventKind.TRAFFIC, "shop", "bergen-db", "traffic switched to bergen-db",
                    Map.of("switch", "switched", "node", "bergen-db", "epoch", 1));
            advance(JournalFacts.MAX_AGE);
            f = facts.get();
            assertThat(f.failoversTrafficPending()).isEqualTo(1);
            assertThat(f.trafficPending()).isNull();
            // A fresh reader (a restarted daemon) counts the same from the whole journal.
            assertThat(new JournalFacts(journal, "shop", clock).get().failoversTrafficPending()).isEqualTo(1);
        }
    }
}
