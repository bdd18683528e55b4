package no.vakt.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import no.vakt.journal.Journal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What vakt run journals of a refresh is what vakt status shows: the warmth, the standby, when. */
class WarmthJournalTest {
    @TempDir
    Path dir;

    @Test
    void theLastRefreshIsReadBackFromTheJournal() {
        Instant at = Instant.parse("2026-12-07T10:00:00Z");
        try (Journal journal = new Journal(dir.resolve("j.db"), Clock.fixed(at, ZoneOffset.UTC))) {
            assertThat(Warmth.latest(journal, "shop")).isEmpty();
            Warmth.record(journal, "shop", new WarmupResult(at, "oslo-db", "bergen-db", 2, 1200, 5, 2500, 250, 10_000,
                    30, Duration.ofSeconds(3), 0, 0, false));

            Warmth w = Warmth.latest(journal, "shop").orElseThrow();
            assertThat(w.standby()).isEqualTo("bergen-db");
            assertThat(w.warmth()).isEqualTo(0.975);
            assertThat(w.pagesAsked()).isEqualTo(2500);
            assertThat(w.line(at.plus(Duration.ofMinutes(4)))).contains("98 %", "bergen-db", "4 min ago");
            assertThat(Warmth.latest(journal, "other")).isEmpty();
        }
    }
}
