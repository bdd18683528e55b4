package no.vakt.failover;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import no.vakt.failover.detect.DetectorConfig;
import no.vakt.failover.detect.StandbyProbe;

/**
 * Measures how long ago the standby's IO thread last received anything from the primary, for
 * {@link StandbyProbe#receiveAgeMs()}. MariaDB does not report that time directly, so this notes when
 * the receive fingerprint ({@code Slave_received_heartbeats}, the IO thread's read position and
 * {@code Gtid_IO_Pos}) last changed between two samples.
 *
 * <p>Replication heartbeat events flow from the primary to the standby by themselves (vakt replicate
 * sets {@code MASTER_HEARTBEAT_PERIOD=0.25}), so the counter moves at least once a second while the
 * primary lives, even when nothing is written and even when the monitor is cut off from the primary.
 * The measured age is therefore at most the heartbeat period plus one sampling interval too old, which
 * the standby bound of {@link DetectorConfig#from} (at least 2 s, at least 3 intervals) tolerates.
 *
 * <p>The first sample is the baseline: its age is 0. A null fingerprint (no replication) resets the
 * tracker and reports an unknown age. Pure and not thread-safe: the monitor loop owns it.
 */
public final class ReceiveAgeTracker {
    private String lastFingerprint;
    private Instant lastChange;

    /** Records a sample taken at {@code at}; returns the receive age in ms, null when unknown. */
    public Long observe(Instant at, String fingerprint) {
        if (fingerprint == null) {
            reset();
            return null;
        }
        if (lastChange == null || !fingerprint.equals(lastFingerprint)) {
            lastFingerprint = fingerprint;
            lastChange = at;
        }
        return Math.max(0, Duration.between(lastChange, at).toMillis());
    }

    /** Forgets the baseline (the standby changed, or its replication went away). */
    public void reset() {
        lastFingerprint = null;
        lastChange = null;
    }

    /**
     * The receive fingerprint of one SHOW SLAVE STATUS row: every field that moves when the IO thread
     * receives an event or a replication heartbeat. MariaDB's SHOW SLAVE STATUS has no heartbeat counter
     * (only SHOW ALL SLAVES STATUS does), so the caller adds {@code Slave_received_heartbeats} from SHOW
     * GLOBAL STATUS to the row. Null when the node replicates from nobody.
     */
    public static String fingerprint(Map<String, String> slaveStatus) {
        if (slaveStatus == null || slaveStatus.isEmpty()) return null;
        return slaveStatus.getOrDefault("Slave_received_heartbeats", "")
                + '|' + slaveStatus.getOrDefault("Master_Log_File", "")
                + '|' + slaveStatus.getOrDefault("Read_Master_Log_Pos", "")
                + '|' + slaveStatus.getOrDefault("Gtid_IO_Pos", "");
    }
}
