package no.vakt.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import no.vakt.journal.EventKind;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.Journal;
import no.vakt.journal.NewFailover;
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
            JournalFacts facts = new JournalFacts(journal, clock);
            assertThat(facts.get().failoversTotal()).isZero();
            assertThat(facts.get().lastFailoverDurationMs()).isNull();
            assertThat(facts.get().lastDrill()).isEmpty();

            journal.recordRefusal(new NewFailover("shop", "oslo-db", "bergen-db", "automatic", "automatic-detection", 1),
                    "RPO_EXCEEDED");
            long id = journal.beginFailover(new NewFailover("shop", "oslo-db", "bergen-db", "manual", "operator", 1));
            advance(Duration.ofMillis(180));
            journal.finishFailover(id, FailoverOutcome.COMPLETED, "bergen-db is primary");
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
            assertThat(f.alertDeliveries()).containsEntry("email|failed", 2L).containsEntry("none|raised", 1L);

            journal.append(EventKind.ALERT_DELIVERY, "shop", null, "d", Map.of("channel", "email", "outcome", "failed"));
            journal.append(EventKind.DRILL, "shop", null, "drill", Map.of("passed", true, "rto_ms", 900, "rpo_ms", 0));
            facts.invalidate();
            f = facts.get();
            assertThat(f.alertDeliveries()).containsEntry("email|failed", 3L).containsEntry("none|raised", 1L);
            assertThat(f.lastDrill()).hasValueSatisfying(d -> assertThat(d.rtoMs()).isEqualTo(900));
        }
    }
}
