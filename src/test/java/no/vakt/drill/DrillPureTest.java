package no.vakt.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import no.vakt.config.ConfigException;
import no.vakt.config.ConfigLoader;
import no.vakt.config.CronSchedule;
import no.vakt.config.DrillsConfig;
import no.vakt.config.FaultKind;
import no.vakt.config.Objectives;
import org.junit.jupiter.api.Test;

/** The drill's decisions as pure functions: schedule, gate, figures, config section. */
class DrillPureTest {
    private static final Instant T0 = Instant.parse("2026-01-04T03:00:00Z");

    @Test
    void cronFindsTheNextSundayAtThree() {
        CronSchedule s = CronSchedule.parse("0 3 * * SUN");
        // 2026-01-01 is a Thursday: the next Sunday is the 4th.
        assertThat(s.next(ZonedDateTime.parse("2026-01-01T12:00:00Z"))).isEqualTo(ZonedDateTime.parse("2026-01-04T03:00:00Z"));
        assertThat(s.next(ZonedDateTime.parse("2026-01-04T03:00:00Z"))).isEqualTo(ZonedDateTime.parse("2026-01-11T03:00:00Z"));
        assertThat(CronSchedule.parse("*/15 * * * *").next(ZonedDateTime.parse("2026-01-01T12:07:30Z")))
                .isEqualTo(ZonedDateTime.parse("2026-01-01T12:15:00Z"));
        // Both day fields restricted: either matches, as in cron.
        assertThat(CronSchedule.parse("0 0 13 * FRI").next(ZonedDateTime.parse("2026-01-01T00:00:00Z")))
                .isEqualTo(ZonedDateTime.parse("2026-01-02T00:00:00Z"));
        assertThat(CronSchedule.parse("30 2 1 JAN-MAR 7").next(ZonedDateTime.of(2026, 2, 1, 2, 30, 0, 0, ZoneOffset.UTC)))
                .isEqualTo(ZonedDateTime.parse("2026-02-08T02:30:00Z")); // day 1 OR Sunday: Feb 8 is a Sunday
    }

    @Test
    void badCronExpressionsSayWhatIsWrong() {
        assertThatThrownBy(() -> CronSchedule.parse("0 3 * *")).hasMessageContaining("expected 5 fields");
        assertThatThrownBy(() -> CronSchedule.parse("0 25 * * *")).hasMessageContaining("hour expects 0..23; got '25'");
        assertThatThrownBy(() -> CronSchedule.parse("0 3 * * FUNDAY")).hasMessageContaining("day of week");
        assertThatThrownBy(() -> CronSchedule.parse("0 3 31 2 *").next(ZonedDateTime.parse("2026-01-01T00:00:00Z")))
                .hasMessageContaining("never matches");
    }

    @Test
    void gateRefusesInOrderAndSaysWhatToDo() {
        DrillGate.Input ok = new DrillGate.Input("kill-db", false, false, false, null, null, Duration.ofHours(1), T0, true);
        assertThat(DrillGate.refusal(ok)).isEmpty();
        assertThat(DrillGate.refusal(with(ok, "nope", false, false, null, null, true)))
                .hasValueSatisfying(r -> assertThat(r).contains("unknown fault kind 'nope'"));
        assertThat(DrillGate.refusal(with(ok, "kill-db", true, false, null, null, true)))
                .hasValueSatisfying(r -> assertThat(r).contains("--yes-this-is-production"));
        assertThat(DrillGate.refusal(with(ok, "kill-db", true, true, null, null, true))).isEmpty();
        assertThat(DrillGate.refusal(with(ok, "kill-db", false, false, "failover 3", null, true)))
                .hasValueSatisfying(r -> assertThat(r).contains("in progress (failover 3)"));
        assertThat(DrillGate.refusal(with(ok, "kill-db", false, false, null, T0.minusSeconds(3599), true)))
                .hasValueSatisfying(r -> assertThat(r).contains("cooldown is active until 2026-01-04T03:00:01Z"));
        assertThat(DrillGate.refusal(with(ok, "kill-db", false, false, null, T0.minusSeconds(3600), true))).isEmpty();
        assertThat(DrillGate.refusal(with(ok, "kill-db", false, false, null, null, false)))
                .hasValueSatisfying(r -> assertThat(r).contains("policy.failover"));
        assertThat(DrillGate.refusal(with(ok, "isolate-primary", false, false, null, null, true)))
                .hasValueSatisfying(r -> assertThat(r).contains("network namespaces"));
    }

    private static DrillGate.Input with(DrillGate.Input b, String fault, boolean production, boolean confirmed,
            String running, Instant lastEnd, boolean automatic) {
        return new DrillGate.Input(fault, production, confirmed, b.netnsAvailable(), running, lastEnd, b.cooldown(), b.now(),
                automatic);
    }

    @Test
    void rpoCountsAcknowledgedRowsMissingOnTheNewPrimaryAndTheTimeTheyCover() {
        List<LoadWriter.Ack> acks = new ArrayList<>();
        for (int i = 1; i <= 20; i++) acks.add(new LoadWriter.Ack(i, T0.plusMillis(50L * i), "10.0.0.1", 3306));
        Instant fault = T0.plusMillis(1000);
        acks.add(new LoadWriter.Ack(25, fault.plusMillis(3000), "10.0.0.2", 3306));
        acks.add(new LoadWriter.Ack(26, fault.plusMillis(3050), "10.0.0.2", 3306));
        Set<Long> present = new HashSet<>();
        for (long i = 1; i <= 17; i++) present.add(i);
        present.addAll(List.of(25L, 26L));

        Measurement m = Measurement.compute(FaultKind.KILL_DB, fault, fault.plusMillis(4000), acks, present,
                Set.of("10.0.0.1"), true, new Objectives(Duration.ofMillis(100), Duration.ofSeconds(5)));

        assertThat(m.rpoRows()).isEqualTo(3);
        assertThat(m.missingSeqs()).containsExactly(18L, 19L, 20L);
        assertThat(m.rpoMs()).isEqualTo(100); // row 18 acknowledged 100 ms before the fault
        assertThat(m.rtoMs()).isEqualTo(3000);
        assertThat(m.longestGapAfterFaultMs()).isEqualTo(3000);
        assertThat(m.rpoMet()).isTrue();
        assertThat(m.passed()).isTrue();

        Measurement strict = Measurement.compute(FaultKind.KILL_DB, fault, fault.plusMillis(4000), acks, present,
                Set.of("10.0.0.1"), true, new Objectives(Duration.ofMillis(50), Duration.ofMillis(2000)));
        assertThat(strict.passed()).isFalse();
        assertThat(strict.reasons()).anySatisfy(r -> assertThat(r).contains("RTO 3000 ms is above the objective 2000 ms"))
                .anySatisfy(r -> assertThat(r).contains("RPO 100 ms (3 acknowledged rows lost)"));
    }

    @Test
    void aWriteToTheOldPrimaryAfterTheFaultIsNotRecovery() {
        Instant fault = T0;
        List<LoadWriter.Ack> acks = List.of(new LoadWriter.Ack(1, fault.minusMillis(10), "10.0.0.1", 3306),
                new LoadWriter.Ack(2, fault.plusMillis(20), "10.0.0.1", 3306));
        Measurement m = Measurement.compute(FaultKind.BLOCK_PORTS, fault, fault.plusSeconds(10), acks, Set.of(1L, 2L),
                Set.of("10.0.0.1"), false, Objectives.DEFAULT);
        assertThat(m.rtoMs()).isNull();
        assertThat(m.passed()).isFalse();
        assertThat(m.reasons()).anySatisfy(r -> assertThat(r).contains("no failover happened"));
    }

    @Test
    void partitionMonitorPassesOnlyWithoutAFailover() {
        List<LoadWriter.Ack> acks = List.of(new LoadWriter.Ack(1, T0.minusMillis(10), "a", 1), new LoadWriter.Ack(2, T0.plusMillis(40), "a", 1));
        Measurement calm = Measurement.compute(FaultKind.PARTITION_MONITOR, T0, T0.plusMillis(100), acks, Set.of(1L, 2L),
                Set.of("a"), false, Objectives.DEFAULT);
        assertThat(calm.passed()).isTrue();
        assertThat(calm.rtoMs()).isNull();
        Measurement flap = Measurement.compute(FaultKind.PARTITION_MONITOR, T0, T0.plusMillis(100), acks, Set.of(1L, 2L),
                Set.of("a"), true, Objectives.DEFAULT);
        assertThat(flap.passed()).isFalse();
        assertThat(flap.reasons()).anySatisfy(r -> assertThat(r).contains("false failover"));
    }

    @Test
    void drillsSectionParsesAndBadValuesNameTheField() throws Exception {
        String base = new no.vakt.lab.LabConfigTemplate("t", "127.0.0.1", 3306, "127.0.0.2", 3306, "vakt",
                java.nio.file.Path.of("a"), "repl", java.nio.file.Path.of("b"), List.of("shop"), "automatic", null, false,
                "127.0.0.1").render();
        var file = java.nio.file.Path.of("/tmp/vakt-drill-config-test.yml");
        var cfg = ConfigLoader.parse(file, base + "drills:\n  service: {name: app.lab.vakt.test, dns-server: 127.0.0.1:5353}\n"
                + "  schedule: \"0 3 * * SUN\"\n  write-rate: 10\n  timeout: 30s\n");
        assertThat(cfg.drills().service().port()).isEqualTo(3306);
        assertThat(cfg.drills().writeRate()).isEqualTo(10);
        assertThat(cfg.drills().fault()).isEqualTo("kill-db");
        assertThat(ConfigLoader.parse(file, base).drills()).isEqualTo(DrillsConfig.NONE);
        assertThatThrownBy(() -> ConfigLoader.parse(file, base + "drills:\n  schedule: \"0 3 * *\"\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("drills").hasMessageContaining("expected 5 fields");
        assertThatThrownBy(() -> ConfigLoader.parse(file, base + "drills:\n  fault: pull-plug\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown fault kind 'pull-plug'");
        assertThatThrownBy(() -> ConfigLoader.parse(file, base + "drills:\n  servce: {}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'servce'");
    }
}
