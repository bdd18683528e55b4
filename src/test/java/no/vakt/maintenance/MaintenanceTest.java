package no.vakt.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pause state in a real journal, with the clock moved by hand: who, why, and expiry by itself. */
class MaintenanceTest {
    private static final Instant T0 = Instant.parse("2026-12-07T02:00:00Z");

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(T0);

    @Test
    void aPauseIsJournaledWithWhoAndWhyAndEndsByItself() {
        try (Journal j = new Journal(dir.resolve("journal.db"), clock)) {
            Maintenance m = new Maintenance(j, "shop", clock);
            assertThat(m.active()).isEmpty();

            Pause p = m.pause(Duration.ofMinutes(30), " kernel upgrade ", new Actor("alice", null));

            assertThat(p.until()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
            assertThat(p.describe()).isEqualTo("until 2026-12-07T02:30:00Z, reason 'kernel upgrade', by alice");
            JournalEvent e = j.latest(EventKind.MAINTENANCE, "shop").orElseThrow();
            JsonNode d = e.details();
            assertThat(d.path("action").asText()).isEqualTo("pause");
            assertThat(d.path("by").asText()).isEqualTo("alice");
            assertThat(d.path("reason").asText()).isEqualTo("kernel upgrade");
            assertThat(d.path("token_role").isNull()).isTrue();

            clock.advance(Duration.ofMinutes(29));
            assertThat(m.active()).contains(p);
            assertThat(m.active().orElseThrow().remaining(clock.instant())).isEqualTo(Duration.ofMinutes(1));
            clock.advance(Duration.ofMinutes(1));
            assertThat(m.active()).as("expired at until").isEmpty();
            assertThat(new Maintenance(j, "other-cluster", clock).active()).isEmpty();
        }
    }

    @Test
    void resumeEndsThePauseAndANewPauseReplacesTheOld() {
        try (Journal j = new Journal(dir.resolve("journal.db"), clock)) {
            Maintenance m = new Maintenance(j, "shop", clock);
            assertThat(m.resume(new Actor("bob", null))).as("nothing to resume").isEmpty();
            assertThat(j.history(EventKind.MAINTENANCE, 10)).isEmpty();

            m.pause(Duration.ofHours(1), null, Actor.api("alice", "127.0.0.1", "admin"));
            Pause second = m.pause(Duration.ofMinutes(5), "shorter", new Actor("bob", null));
            assertThat(m.active()).contains(second);

            Optional<Pause> ended = m.resume(Actor.api(null, "10.1.2.3", "admin"));
            assertThat(ended).contains(second);
            assertThat(m.active()).isEmpty();
            JsonNode d = j.latest(EventKind.MAINTENANCE, "shop").orElseThrow().details();
            assertThat(d.path("action").asText()).isEqualTo("resume");
            assertThat(d.path("by").asText()).isEqualTo("api from 10.1.2.3");
            assertThat(d.path("token_role").asText()).isEqualTo("admin");
        }
    }

    @Test
    void refusesPausesWithoutAnEndOrLongerThanAWeek() {
        try (Journal j = new Journal(dir.resolve("journal.db"), clock)) {
            Maintenance m = new Maintenance(j, "shop", clock);
            Actor a = new Actor("alice", null);
            assertThatThrownBy(() -> m.pause(Duration.ZERO, null, a)).hasMessageStartingWith("for: expected a positive");
            assertThatThrownBy(() -> m.pause(Duration.ofDays(8), null, a)).hasMessageStartingWith("for: at most 7d");
            assertThatThrownBy(() -> m.pause(Duration.ofMinutes(1), "x".repeat(501), a)).hasMessageStartingWith("reason:");
            assertThat(j.history(EventKind.MAINTENANCE, 10)).isEmpty();
        }
    }
}
