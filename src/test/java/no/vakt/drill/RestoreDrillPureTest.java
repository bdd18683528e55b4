package no.vakt.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The restore drill's decisions: data age, and two servers' tables compared. */
class RestoreDrillPureTest {
    private static final Instant START = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void dataAgeIsZeroWhenTheRestoreHeldAllThePrimaryHadElseTheAgeOfItsNewestTransaction() {
        assertThat(RestoreDrill.dataAge("0-1-40", "0-1-40", START.minusSeconds(300), START)).isZero();
        assertThat(RestoreDrill.dataAge("0-1-41", "0-1-40", START.minusSeconds(3), START)).isEqualTo(Duration.ofSeconds(3));
        assertThat(RestoreDrill.dataAge("0-1-41,1-2-5", "0-1-41", START.minusSeconds(1), START)).as("another domain missing")
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void tablesDifferInRowsChecksumOrPresence() {
        var standby = Map.of("shop.a", new TableChecks.Table(3, 11L), "shop.b", new TableChecks.Table(2, 7L),
                "shop.c", new TableChecks.Table(1, 5L), "shop.d", new TableChecks.Table(0, 0L));
        var restored = Map.of("shop.a", new TableChecks.Table(3, 11L), "shop.b", new TableChecks.Table(2, 8L),
                "shop.c", new TableChecks.Table(0, 0L), "shop.e", new TableChecks.Table(0, 0L));
        assertThat(TableChecks.compare(standby, restored)).extracting(TableChecks.Compared::table, TableChecks.Compared::difference)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("shop.a", ""),
                        org.assertj.core.groups.Tuple.tuple("shop.b", "same row count, CHECKSUM TABLE differs"),
                        org.assertj.core.groups.Tuple.tuple("shop.c", "1 rows missing"),
                        org.assertj.core.groups.Tuple.tuple("shop.d", "missing on the restored server"),
                        org.assertj.core.groups.Tuple.tuple("shop.e", "only on the restored server"));
    }
}
