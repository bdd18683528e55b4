package no.vakt.failover;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.cluster.OperatorCommands;
import no.vakt.cluster.Severity;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;
import no.vakt.failover.detect.PrimaryHealth;
import no.vakt.replication.SemiSyncState;

/**
 * Whether the standby still protects the primary's data, judged from each tick's look at the standby
 * (and the primary's side of semi-sync), and the alert when that changes. Pure; confined to the
 * monitor's thread.
 *
 * <p>Only judged while the primary is HEALTHY: a lost primary is the detector's business, and its IO
 * thread reconnecting is then expected. The conditions, the first that holds counts:
 * <ul>
 *   <li>BROKEN: the standby is unreachable, has no channel, or a replication thread is not running;
 *   <li>LAGGING: the heartbeat lag exceeds the RPO (a failover now would lose more than allowed);
 *   <li>SEMI_SYNC_FALLBACK: semi-sync is enabled on the primary but it stopped waiting for the standby's
 *       acknowledgement ({@code Rpl_semi_sync_master_status=OFF}): commits are only asynchronous now, so a
 *       failover can lose acknowledged commits (the RPO is no longer zero);
 *   <li>HEALTHY otherwise.
 * </ul>
 * A condition must be seen {@code confirmations} ticks in a row, either way, before it counts: one slow
 * sample is not a problem, one good sample not a recovery.
 *
 * <p>The fix an alert names depends on what the standby is: a former primary (the last failover came
 * from it) is rebuilt with {@code vakt rejoin}, not {@code vakt replicate}.
 */
final class ReplicationWatch {
    enum Condition {
        HEALTHY, BROKEN, LAGGING, SEMI_SYNC_FALLBACK;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace("semi_sync_", "semi-sync ");
        }
    }

    private final String cluster;
    private final Duration rpo;
    private final int confirmations;
    private final OperatorCommands commands;
    private final boolean formerPrimary;
    private Condition current = Condition.HEALTHY;
    private Condition candidate = Condition.HEALTHY;
    private int seen;

    ReplicationWatch(String cluster, Duration rpo, int confirmations) {
        this(cluster, rpo, confirmations, OperatorCommands.NONE, false);
    }

    /**
     * @param commands the commands its alerts name, with the daemon's {@code --config}
     * @param formerPrimary the standby is the node the last failover came from (not yet rejoined)
     */
    ReplicationWatch(String cluster, Duration rpo, int confirmations, OperatorCommands commands, boolean formerPrimary) {
        this.cluster = cluster;
        this.rpo = rpo;
        this.confirmations = Math.max(1, confirmations);
        this.commands = commands;
        this.formerPrimary = formerPrimary;
    }

    Condition condition() {
        return current;
    }

    /** As {@link #observe(NodeState, PrimaryHealth, String, SemiSyncState)}, semi-sync not known. */
    Optional<Alert> observe(NodeState standby, PrimaryHealth primary, String primaryName) {
        return observe(standby, primary, primaryName, null);
    }

    /**
     * The alert to send when the confirmed condition changed with this observation.
     *
     * @param primarySemiSync the primary's semi-sync state from this tick's probe; null when not read
     */
    Optional<Alert> observe(NodeState standby, PrimaryHealth primary, String primaryName, SemiSyncState primarySemiSync) {
        if (primary != PrimaryHealth.HEALTHY) {
            seen = 0;
            return Optional.empty();
        }
        String node = standby.node().name();
        Condition now;
        String evidence;
        String fix = "fix replication (" + commands.status() + ", vakt check), then " + commands.replicate();
        ReplicaStatus r = standby.replica().orElse(null);
        if (!standby.reachable()) {
            now = Condition.BROKEN;
            evidence = "standby " + node + " unreachable: " + standby.error();
            if (formerPrimary) {
                fix = node + " is the former primary (the last failover came from it): once it answers, make it the"
                        + " standby of " + primaryName + " with: " + commands.rejoin(node);
            }
        } else if (r == null) {
            now = Condition.BROKEN;
            evidence = node + " has no replication channel";
            fix = formerPrimary ? node + " is the former primary: make it the standby of " + primaryName + " with: "
                    + commands.rejoin(node)
                    : "if " + node + " is the former primary: " + commands.rejoin(node) + "; else " + commands.replicate();
        } else if (!r.ioThreadRunning() || !r.sqlThreadRunning()) {
            now = Condition.BROKEN;
            evidence = "IO thread " + r.ioRunning() + ", SQL thread " + r.sqlRunning()
                    + (r.lastError().isEmpty() ? "" : "; last error: " + r.lastError());
        } else if (standby.heartbeatLagMs() != null && standby.heartbeatLagMs() > rpo.toMillis()) {
            now = Condition.LAGGING;
            evidence = "heartbeat lag " + standby.heartbeatLagMs() + " ms > RPO " + rpo.toMillis() + " ms"
                    + (r.secondsBehindMaster() == null ? "" : " (Seconds_Behind_Master " + r.secondsBehindMaster() + ")");
        } else if (primarySemiSync != null && primarySemiSync.fellBackToAsync()) {
            now = Condition.SEMI_SYNC_FALLBACK;
            evidence = primaryName + " " + primarySemiSync.describeMaster()
                    + (standby.heartbeatLagMs() == null ? "" : "; " + node + " heartbeat lag " + standby.heartbeatLagMs() + " ms");
        } else if (primarySemiSync == null && current == Condition.SEMI_SYNC_FALLBACK) {
            // Not read this tick: no evidence the acknowledgements resumed.
            now = Condition.SEMI_SYNC_FALLBACK;
            evidence = "semi-sync state of " + primaryName + " not read";
        } else {
            now = Condition.HEALTHY;
            evidence = "IO and SQL threads running"
                    + (standby.heartbeatLagMs() == null ? "" : ", heartbeat lag " + standby.heartbeatLagMs() + " ms")
                    + (primarySemiSync != null && primarySemiSync.active() ? ", semi-sync on" : "");
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
                    (formerPrimary ? "nothing protects " + primaryName + "'s data until " + node + " is its standby again; "
                            : "the standby is not keeping up with " + primaryName + ": a failover now would lose data; ") + fix,
                    AlertKind.REPLICATION_BROKEN, node);
            case LAGGING -> new Alert(Severity.WARNING, cluster, "replication lag on " + node + " above the RPO", evidence,
                    "a failover now would lose more than the RPO allows; look for long transactions or load on " + node,
                    AlertKind.REPLICATION_LAG, node);
            case SEMI_SYNC_FALLBACK -> new Alert(Severity.WARNING, cluster, "semi-sync on " + primaryName
                    + " fell back to asynchronous: " + node + " does not acknowledge", evidence,
                    "commits on " + primaryName + " no longer wait for " + node + ", so a failover now can lose them"
                            + " (RPO not zero); check that " + node + " acknowledges (rpl_semi_sync_slave_enabled ON, IO"
                            + " thread running: " + commands.status() + "); semi-sync resumes by itself once it catches up",
                    AlertKind.SEMI_SYNC_FALLBACK, node);
            case HEALTHY -> new Alert(Severity.INFO, cluster, "replication to " + node + " healthy again",
                    evidence + " (was " + before.label() + ")", "", AlertKind.REPLICATION_HEALTHY, node);
        });
    }
}
