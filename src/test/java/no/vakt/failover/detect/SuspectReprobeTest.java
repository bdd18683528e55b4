package no.vakt.failover.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SuspectReprobeTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    /** The last probe waited out the 1 s timeout (a black hole). */
    private static final Duration WAITED = Duration.ofMillis(1000);
    private static final DetectorConfig THREE = new DetectorConfig(3, Duration.ofSeconds(3), SECOND);

    @Test
    void aHealthyPrimaryIsProbedOncePerTick() {
        assertThat(SuspectReprobe.next(0, THREE, SECOND, WAITED, SECOND).probes()).isEqualTo(1);
    }

    @Test
    void afterTheFirstFailureTheMissingFailuresAreProbedAQuarterIntervalApartInOneTick() {
        SuspectReprobe r = SuspectReprobe.next(1, THREE, SECOND, WAITED, SECOND);
        assertThat(r.probes()).isEqualTo(2);
        assertThat(r.spacing()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void oneMissingFailureOrAVerdictAlreadyReachedKeepsOneProbe() {
        assertThat(SuspectReprobe.next(2, THREE, SECOND, WAITED, SECOND).probes()).isEqualTo(1);
        assertThat(SuspectReprobe.next(3, THREE, SECOND, WAITED, SECOND).probes()).isEqualTo(1);
        assertThat(SuspectReprobe.next(40, THREE, SECOND, WAITED, SECOND).probes()).isEqualTo(1);
    }

    @Test
    void manyMissingFailuresAreCappedSoTheProbersThreadsSuffice() {
        DetectorConfig ten = new DetectorConfig(10, Duration.ofSeconds(3), SECOND);
        assertThat(SuspectReprobe.next(1, ten, SECOND, WAITED, SECOND).probes()).isEqualTo(SuspectReprobe.MAX_PROBES);
    }

    @Test
    void shortIntervalsKeepOneProbeRatherThanProbesTooCloseToBeSeparateLooks() {
        Duration interval = Duration.ofMillis(150);
        assertThat(SuspectReprobe.next(1, new DetectorConfig(3, Duration.ofSeconds(2), interval), interval, WAITED, SECOND).probes())
                .isEqualTo(1);
        Duration fast = Duration.ofMillis(200);
        assertThat(SuspectReprobe.next(1, new DetectorConfig(3, Duration.ofSeconds(2), fast), fast, WAITED, SECOND))
                .isEqualTo(new SuspectReprobe(2, Duration.ofMillis(50)));
    }

    @Test
    void aPrimaryThatRefusedAtOnceKeepsOneProbePerTickItsRestartWindowUnchanged() {
        assertThat(SuspectReprobe.next(1, THREE, SECOND, Duration.ofMillis(3), SECOND).probes()).isEqualTo(1);
        assertThat(SuspectReprobe.next(1, THREE, SECOND, Duration.ofMillis(499), SECOND).probes()).isEqualTo(1);
        assertThat(SuspectReprobe.next(1, THREE, SECOND, Duration.ofMillis(500), SECOND).probes()).isEqualTo(2);
    }
}
