package no.vakt.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.vakt.backup.ArchiveTimeline;
import org.junit.jupiter.api.Test;

/** The restore drill's decisions: data age, two servers' tables compared, how the archive is caught up. */
class RestoreDrillPureTest {
    private static final Instant START = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void aCurrentTimelineMeansAStreamKeepsTheArchiveSoTheDrillWaitsElseItArchivesOneRound() {
        ArchiveTimeline kept = new ArchiveTimeline(List.of(new ArchiveTimeline.Segment("oslo-db", "")), "0-1-40", START.minusSeconds(2), "", null,
                START.minusSeconds(2));
        assertThat(RestoreDrill.catchUpBy(Optional.of(kept), START)).isEqualTo(RestoreDrill.CatchUp.WAIT_FOR_STREAM);
        ArchiveTimeline byARound = new ArchiveTimeline(kept.segments(), "0-1-40", START.minusSeconds(2), "", null, null);
        assertThat(RestoreDrill.catchUpBy(Optional.of(byARound), START)).as("a one-shot round wrote it: no stream to wait for")
                .isEqualTo(RestoreDrill.CatchUp.ONE_ROUND);
        assertThat(RestoreDrill.catchUpBy(Optional.of(kept), START.plus(RestoreDrill.STREAM_CURRENT).plusSeconds(3)))
                .as("no stream has covered anything lately").isEqualTo(RestoreDrill.CatchUp.ONE_ROUND);
        assertThat(RestoreDrill.catchUpBy(Optional.of(ArchiveTimeline.EMPTY), START)).as("never covered").isEqualTo(RestoreDrill.CatchUp.ONE_ROUND);
        assertThat(RestoreDrill.catchUpBy(Optional.empty(), START)).as("no timeline").isEqualTo(RestoreDrill.CatchUp.ONE_ROUND);
        assertThat(RestoreDrill.describeArchive(null)).isEqualTo("the stitched archive (binlog-timeline.json)");
        assertThat(RestoreDrill.describeArchive("oslo-db")).isEqualTo("the archive of oslo-db");
    }

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

    @Test
    void theRestoreScheduleIsReadAndNeedsABackupRepository() {
        String base = new no.vakt.lab.LabConfigTemplate("t", "127.0.0.1", 3306, "127.0.0.2", 3306, "vakt", java.nio.file.Path.of("a"),
                "repl", java.nio.file.Path.of("b"), java.util.List.of("shop"), "automatic", null, false, "127.0.0.1").render();
        java.nio.file.Path file = java.nio.file.Path.of("/tmp/vakt-restore-schedule-test.yml");
        no.vakt.config.VaktConfig cfg = no.vakt.config.ConfigLoader.parse(file, base + "drills:\n  restore-schedule: \"0 4 * * SAT\"\n");
        assertThat(cfg.drills().restoreSchedule()).isEqualTo("0 4 * * SAT");
        java.util.List<String> said = new java.util.ArrayList<>();
        assertThat(DrillScheduler.startRestoreFor(cfg, file, null, java.time.Clock.systemUTC(), null, null, said::add)).isEmpty();
        assertThat(said).singleElement().asString().contains("no backup: section");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> no.vakt.config.ConfigLoader.parse(file,
                base + "drills:\n  restore-schedule: \"0 25 * * *\"\n")).hasMessageContaining("restore-schedule");
    }
}
