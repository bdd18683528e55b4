package no.vakt.detect;

import java.time.Duration;
import java.util.Optional;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.Severity;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;

/**
 * Whether the standby still protects the primary's data, judged from each tick's look at the standby,
 * and the alert when that changes. Pure; confined to the monitor's thread.
 *
 * <p>Only judged while the primary is HEALTHY: a lost primary is the detector's business, and its IO
 * thread reconnecting is then expected. BROKEN: the standby is unreachable, has no channel, or a
 * replication thread is not running. LAGGING: the heartbeat lag exceeds the RPO (a failover now would
 * lose more than allowed). A condition must be seen {@code confirmations} ticks in a row, either way,
 * before it counts: one slow sample is not a problem, one good sample not a recovery.
 */
final class ReplicationWatch {
    enum Condition { HEALTHY, BROKEN, LAGGING }

    private final String cluster;
    private final Duration rpo;
    private final int confirmations;
    private Condition current = Condition.HEALTHY;
    private Condition candidate = Condition.HEALTHY;
    private int seen;

    ReplicationWatch(String cluster, Duration rpo, int confirmations) {
        this.cluster = cluster;
        this.rpo = rpo;
        this.confirmations = Math.max(1, confirmations);
    }

    Condition condition() {
        return current;
    }

    /** The alert to send when the confirmed condition changed with this observation. */
    Optional<Alert> observe(NodeState standby, PrimaryHealth primary, String primaryName) {
        if (primary != PrimaryHealth.HEALTHY) {
            seen = 0;
            return Optional.empty();
        }
        String node = standby.node().name();
        Condition now;
        String evidence;
        String fix = "fix replication (vakt status, vakt check), then vakt replicate";
        ReplicaStatus r = standby.replica().orElse(null);
        if (!standby.reachable()) {
            now = Condition.BROKEN;
            evidence = "standby " + node + " unreachable: " + standby.error();
        } else if (r == null) {
            now = Condition.BROKEN;
            evidence = node + " has no replication channel";
            fix = "if " + node + " is the former primary: vakt rejoin " + node;
        } else if (!r.ioThreadRunning() || !r.sqlThreadRunning()) {
            now = Condition.BROKEN;
            evidence = "IO thread " + r.ioRunning() + ", SQL thread " + r.sqlRunning()
                    + (r.lastError().isEmpty() ? "" : "; last error: " + r.lastError());
        } else if (standby.heartbeatLagMs() != null && standby.heartbeatLagMs() > rpo.toMillis()) {
            now = Condition.LAGGING;
            evidence = "heartbeat lag " + standby.heartbeatLagMs() + " ms > RPO " + rpo.toMillis() + " ms"
                    + (r.secondsBehindMaster() == null ? "" : " (Seconds_Behind_Master " + r.secondsBehindMaster() + ")");
        } else {
            now = Condition.HEALTHY;
            evidence = "IO and SQL threads running"
                    + (standby.heartbeatLagMs() == null ? "" : ", heartbeat lag " + standby.heartbeatLagMs() + " ms");
        }
        if (now != candidate) {
            candidate = now;
            seen = 0;
        }
        seen++;
        if (now == current || seen < confirmations) return Optional.empty();
        Condition before = current;
        current = now;
        return Optional.of(switch (now) {
            case BROKEN -> new Alert(Severity.CRITICAL, cluster, "replication to " + node + " broken", evidence,
                    "the standby is not keeping up with " + primaryName + ": a failover now would lose data; " + fix,
                    AlertKind.REPLICATION_BROKEN, node);
            case LAGGING -> new Alert(Severity.WARNING, cluster, "replication lag on " + node + " above the RPO", evidence,
                    "a failover now would lose more than the RPO allows; look for long transactions or load on " + node,
                    AlertKind.REPLICATION_LAG, node);
            case HEALTHY -> new Alert(Severity.INFO, cluster, "replication to " + node + " healthy again",
                    evidence + " (was " + before.name().toLowerCase() + ")", "", AlertKind.REPLICATION_HEALTHY, node);
        });
    }
}
