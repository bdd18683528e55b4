package no.vakt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The report cadence of {@code vakt heartbeat}: until Ctrl-C (no deadline) and with --duration. */
class HeartbeatCommandTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final Duration REPORT = Duration.ofSeconds(1);

    @Test
    void withoutADeadlineItReportsEverySecond() {
        // "until Ctrl-C" is Instant.MAX: its distance from now does not fit in milliseconds.
        assertThat(HeartbeatCommand.nextWaitMillis(NOW, Instant.MAX, REPORT)).isEqualTo(1000);
    }

    @Test
    void aNearDeadlineShortensTheLastWait() {
        assertThat(HeartbeatCommand.nextWaitMillis(NOW, NOW.plusMillis(300), REPORT)).isEqualTo(300);
        assertThat(HeartbeatCommand.nextWaitMillis(NOW, NOW.plusSeconds(5), REPORT)).isEqualTo(1000);
        assertThat(HeartbeatCommand.nextWaitMillis(NOW, NOW, REPORT)).isEqualTo(1);
    }
}
