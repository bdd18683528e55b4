package no.vakt.alert;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The conditions Vakt alerts on, in one place: every sender picks one, so repeats can be grouped and a
 * recovery can close its problem. The label is stable (webhook payloads, commands and the journal carry
 * it); scripts may match on it.
 *
 * <p>For the features that send their own alerts: file sync uses {@link #FILE_SYNC_BEHIND},
 * {@link #FILE_SYNC_DELETE_GUARD} and {@link #FILE_SYNC_CAUGHT_UP}; drills use {@link #DRILL_RESULT}.
 * Build the alert with {@code new Alert(severity, cluster, event, evidence, action, kind, node)} and
 * hand it to the {@link AlertSink} you were given; the dispatcher journals it (do not journal it yourself).
 */
public enum AlertKind {
    PRIMARY_UNREACHABLE_FROM_MONITOR("primary-unreachable-from-monitor"),
    /** The monitor lost the primary and the standby cannot confirm either way. */
    PRIMARY_UNCONFIRMED("primary-unconfirmed"),
    PRIMARY_DOWN("primary-down"),
    /** A down primary in manual mode: the alert carries the approve command and the dashboard link. */
    APPROVAL_NEEDED("approval-needed"),
    PRIMARY_REACHABLE_AGAIN("primary-reachable-again",
            "primary-unreachable-from-monitor", "primary-unconfirmed", "primary-down"),
    FAILOVER_STARTED("failover-started"),
    FAILOVER_STEP_FAILED("failover-step-failed"),
    FAILOVER_FINISHED("failover-finished"),
    /** Crash recovery stopped a failover a crash had interrupted. */
    FAILOVER_ABORTED("failover-aborted"),
    PROMOTION_REFUSED("promotion-refused"),
    TRAFFIC_SWITCH_FAILED("traffic-switch-failed"),
    SWITCHOVER("switchover"),
    REPLICATION_BROKEN("replication-broken"),
    REPLICATION_LAG("replication-lag"),
    /** Semi-sync is enabled on the primary but it fell back to asynchronous: the standby does not acknowledge. */
    SEMI_SYNC_FALLBACK("semi-sync-fallback"),
    REPLICATION_HEALTHY("replication-healthy", "replication-broken", "replication-lag", "semi-sync-fallback"),
    /** A former primary is writable again (fenced by Vakt, or two writable nodes). */
    OLD_PRIMARY_BACK("old-primary-back"),
    /** The live primary answers but is read-only (a restart: every node starts so) and Vakt does not open it yet. */
    PRIMARY_READ_ONLY("primary-read-only"),
    /** Vakt opened the rightful primary (read_only=OFF) after it came back read-only. */
    PRIMARY_OPENED("primary-opened", "primary-read-only"),
    FILE_SYNC_BEHIND("file-sync-behind"),
    FILE_SYNC_DELETE_GUARD("file-sync-delete-guard"),
    FILE_SYNC_CAUGHT_UP("file-sync-caught-up", "file-sync-behind"),
    /** An agent without a live ZooKeeper session for longer than the connection timeout: it takes no action. */
    COORDINATION_LOST("coordination-lost"),
    COORDINATION_BACK("coordination-back", "coordination-lost"),
    DRILL_RESULT("drill-result"),
    /** The binlog archive has a gap: restores cannot replay across it (no.vakt.backup). */
    BACKUP_ARCHIVE_BROKEN("backup-archive-broken"),
    /** The new primary lacks transactions the archive has from the old one: a failover lost them (no.vakt.backup). */
    BACKUP_ARCHIVE_DIVERGED("backup-archive-diverged"),
    /** A scheduled base backup failed (no.vakt.backup). */
    BACKUP_FAILED("backup-failed"),
    /** {@code vakt alert test}. */
    TEST("test"),
    OTHER("other");

    private final String label;
    private final List<String> resolves;

    AlertKind(String label, String... resolves) {
        this.label = label;
        this.resolves = List.of(resolves);
    }

    public String label() {
        return label;
    }

    /** The problem kinds this kind reports as over. */
    public boolean resolves(AlertKind problem) {
        return resolves.contains(problem.label);
    }

    public static Optional<AlertKind> fromLabel(String label) {
        return Arrays.stream(values()).filter(k -> k.label.equals(label)).findFirst();
    }
}
