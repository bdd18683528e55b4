package no.vakt.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import no.vakt.config.BackupConfig;
import org.junit.jupiter.api.Test;

class RetentionTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private static Manifest daysOld(int days) {
        Instant at = NOW.minus(Duration.ofDays(days));
        return new Manifest("d" + days, "oslo-db", "standby", "", at, at, "10.11.19", "", "", "0-1-1", "gzip", 1, List.of());
    }

    @Test
    void theNewestKeepStayAndSoDoesAnythingYoungerThanDays() {
        List<Manifest> oldestFirst = List.of(daysOld(40), daysOld(30), daysOld(10), daysOld(2), daysOld(1));
        assertThat(Retention.expired(oldestFirst, new BackupConfig.Retention(2, 14), NOW)).extracting(Manifest::id)
                .containsExactly("d40", "d30");
        assertThat(Retention.expired(oldestFirst, new BackupConfig.Retention(2, 0), NOW)).extracting(Manifest::id)
                .containsExactly("d40", "d30", "d10");
        assertThat(Retention.expired(oldestFirst, new BackupConfig.Retention(9, 0), NOW)).isEmpty();
        assertThat(Retention.expired(List.of(), new BackupConfig.Retention(1, 0), NOW)).isEmpty();
    }
}
