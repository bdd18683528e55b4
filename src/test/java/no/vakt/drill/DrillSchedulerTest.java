package no.vakt.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import no.vakt.config.ConfigLoader;
import no.vakt.config.CronSchedule;
import no.vakt.config.VaktConfig;
import no.vakt.lab.LabConfigTemplate;
import no.vakt.testing.ManualClock;
import org.junit.jupiter.api.Test;

/** The daemon's drill schedule: when it fires, and that production needs drills.allow-production. */
class DrillSchedulerTest {
    @Test
    void firesOnceAtEachMatchingMinute() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-03T12:00:00Z")); // a Saturday
        AtomicInteger launched = new AtomicInteger();
        List<String> lines = new ArrayList<>();
        DrillScheduler s = new DrillScheduler(CronSchedule.parse("0 3 * * SUN"), clock, ZoneOffset.UTC,
                launched::incrementAndGet, lines::add);
        assertThat(s.next()).isEqualTo(Instant.parse("2026-01-04T03:00:00Z"));
        assertThat(s.tick()).isFalse();
        clock.set(Instant.parse("2026-01-04T03:00:20Z"));
        assertThat(s.tick()).isTrue();
        assertThat(s.tick()).isFalse(); // the same minute does not fire twice
        assertThat(launched).hasValue(1);
        assertThat(s.next()).isEqualTo(Instant.parse("2026-01-11T03:00:00Z"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("scheduled drill starting"));
    }

    @Test
    void aFailedDrillIsReportedAndTheScheduleGoesOn() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-04T02:59:00Z"));
        List<String> lines = new ArrayList<>();
        DrillScheduler s = new DrillScheduler(CronSchedule.parse("0 3 * * *"), clock, ZoneOffset.UTC, () -> {
            throw new IllegalStateException("preflight not ready");
        }, lines::add);
        clock.set(Instant.parse("2026-01-04T03:00:00Z"));
        assertThat(s.tick()).isTrue();
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("scheduled drill failed: preflight not ready"));
        assertThat(s.next()).isEqualTo(Instant.parse("2026-01-05T03:00:00Z"));
    }

    @Test
    void anAgentWithoutAuthorityLeavesTheDueDrillToTheLeader() {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-04T02:59:00Z"));
        AtomicInteger launched = new AtomicInteger();
        List<String> lines = new ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean leads = new java.util.concurrent.atomic.AtomicBoolean(false);
        DrillScheduler s = new DrillScheduler(CronSchedule.parse("0 3 * * *"), clock, ZoneOffset.UTC,
                launched::incrementAndGet, lines::add).onlyWhen(leads::get);
        clock.set(Instant.parse("2026-01-04T03:00:00Z"));
        assertThat(s.tick()).isFalse();
        assertThat(launched).hasValue(0);
        assertThat(s.next()).isEqualTo(Instant.parse("2026-01-05T03:00:00Z"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("left to the leading agent"));
        leads.set(true);
        clock.set(Instant.parse("2026-01-05T03:00:10Z"));
        assertThat(s.tick()).isTrue();
        assertThat(launched).hasValue(1);
    }

    @Test
    void productionNeedsAllowProduction() {
        String base = new LabConfigTemplate("t", "127.0.0.1", 3306, "127.0.0.2", 3306, "vakt", java.nio.file.Path.of("a"),
                "repl", java.nio.file.Path.of("b"), List.of("shop"), "automatic", null, false, "127.0.0.1").render();
        java.nio.file.Path file = java.nio.file.Path.of("/tmp/vakt-drill-schedule-test.yml");
        String prod = base.replace("production: false", "production: true");
        VaktConfig none = ConfigLoader.parse(file, base);
        VaktConfig staging = ConfigLoader.parse(file, base + "drills:\n  schedule: \"0 3 * * SUN\"\n");
        VaktConfig production = ConfigLoader.parse(file, prod + "drills:\n  schedule: \"0 3 * * SUN\"\n");
        VaktConfig allowed = ConfigLoader.parse(file, prod + "drills:\n  schedule: \"0 3 * * SUN\"\n  allow-production: true\n");
        assertThat(DrillScheduler.refusal(none)).hasValue("no drills.schedule");
        assertThat(DrillScheduler.refusal(staging)).isEmpty();
        assertThat(DrillScheduler.refusal(production)).hasValueSatisfying(r -> assertThat(r).contains("allow-production"));
        assertThat(DrillScheduler.refusal(allowed)).isEmpty();
    }
}
