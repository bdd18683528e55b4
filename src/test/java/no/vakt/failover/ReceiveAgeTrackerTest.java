package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReceiveAgeTrackerTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    private static Map<String, String> row(String heartbeats, String pos) {
        return Map.of("Slave_received_heartbeats", heartbeats, "Master_Log_File", "bin.000001",
                "Read_Master_Log_Pos", pos, "Gtid_IO_Pos", "0-1-5");
    }

    @Test
    void ageGrowsWhileNothingArrivesAndResetsWhenAHeartbeatOrEventArrives() {
        ReceiveAgeTracker t = new ReceiveAgeTracker();
        String first = ReceiveAgeTracker.fingerprint(row("7", "400"));
        assertThat(t.observe(T0, first)).isZero();
        assertThat(t.observe(T0.plusMillis(700), first)).isEqualTo(700);
        assertThat(t.observe(T0.plusMillis(1400), first)).isEqualTo(1400);
        // A replication heartbeat event: the counter moved.
        assertThat(t.observe(T0.plusMillis(1600), ReceiveAgeTracker.fingerprint(row("8", "400")))).isZero();
        assertThat(t.observe(T0.plusMillis(2100), ReceiveAgeTracker.fingerprint(row("8", "400")))).isEqualTo(500);
        // A binlog event: the read position moved.
        assertThat(t.observe(T0.plusMillis(2200), ReceiveAgeTracker.fingerprint(row("8", "512")))).isZero();
    }

    @Test
    void unknownWithoutReplicationAndAfterAReset() {
        ReceiveAgeTracker t = new ReceiveAgeTracker();
        assertThat(ReceiveAgeTracker.fingerprint(null)).isNull();
        assertThat(ReceiveAgeTracker.fingerprint(Map.of())).isNull();
        String fp = ReceiveAgeTracker.fingerprint(row("1", "10"));
        t.observe(T0, fp);
        assertThat(t.observe(T0.plusSeconds(5), null)).isNull();
        // After a reset the next sample is a new baseline, not 5 s old.
        assertThat(t.observe(T0.plusSeconds(6), fp)).isZero();
    }
}
