package no.vakt.failover.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SuspectReprobeTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final DetectorConfig THREE = new DetectorConfig(3, Duration.ofSeconds(3), SECOND);

    @Test
    void aHealthyPrimaryIsProbedOncePerTick() {
        assertThat(SuspectReprobe.next(0, THREE, SECOND).probes()).isEqualTo(1);
    }

    @Test
    void afterTheFirstFailureTheMissingFailuresAreProbedAQuarterIntervalApartInOneTick() {
        SuspectReprobe r = SuspectReprobe.next(1, THREE, SECOND);
        assertThat(r.probes()).isEqualTo(2);
        assertThat(r.spacing()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void oneMissingFailureOrAVerdictAlreadyReachedKeepsOneProbe() {
        assertThat(SuspectReprobe.next(2, THREE, SECOND).probes()).isEqualTo(1);
        assertThat(SuspectReprobe.next(3, THREE, SECOND).probes()).isEqualTo(1);
        assertThat(SuspectReprobe.next(40, THREE, SECOND).probes()).isEqualTo(1);
    }

    @Test
    void manyMissingFailuresAreCappedSoTheProbersThreadsSuffice() {
        DetectorConfig ten = new DetectorConfig(10, Duration.ofSeconds(3), SECOND);
        assertThat(SuspectReprobe.next(1, ten, SECOND).probes()).isEqualTo(SuspectReprobe.MAX_PROBES);
    }

    @Test
    void shortIntervalsKeepOneProbeRatherThanProbesTooCloseToBeSeparateLooks() {
        Duration interval = Duration.ofMillis(150);
        assertThat(SuspectReprobe.next(1, new DetectorConfig(3, Duration.ofSeconds(2), interval), interval).probes())
                .isEqualTo(1);
        Duration fast = Duration.ofMillis(200);
        assertThat(SuspectReprobe.next(1, new DetectorConfig(3, Duration.ofSeconds(2), fast), fast))
                .isEqualTo(new SuspectReprobe(2, Duration.ofMillis(50)));
    }
}
