package no.vakt.server;

/**
 * Every metric Vakt exports, in one place. Micrometer names (dots) become Prometheus names with
 * underscores; counters get {@code _total}. The Prometheus name is in each comment, and these are the
 * names {@code examples/grafana-dashboard.json} queries. Every metric carries {@code cluster}.
 */
public final class MeterNames {
    private MeterNames() {}

    /** {@code vakt_node_up{site,node}}: 1 when the node answered the last status probe. */
    public static final String NODE_UP = "vakt.node.up";
    /** {@code vakt_node_is_primary{site,node}}: 1 when the node is the live primary (writable, replicating from nobody). */
    public static final String NODE_IS_PRIMARY = "vakt.node.is.primary";
    /** {@code vakt_node_role{site,node,role}}: 1 for the node's live role (primary, standby, idle, unknown), 0 for the others. */
    public static final String NODE_ROLE = "vakt.node.role";
    /** {@code vakt_node_read_only{site,node}}: 1 when read_only is ON, NaN when unreachable. */
    public static final String NODE_READ_ONLY = "vakt.node.read.only";
    /** {@code vakt_replication_lag_seconds{site,node}}: heartbeat lag of a replicating node, NaN when unknown. */
    public static final String REPLICATION_LAG = "vakt.replication.lag.seconds";
    /** {@code vakt_replication_io_thread_running{site,node}}: 1 when Slave_IO_Running is Yes, NaN without a channel. */
    public static final String IO_THREAD_RUNNING = "vakt.replication.io.thread.running";
    /** {@code vakt_replication_sql_thread_running{site,node}}: 1 when Slave_SQL_Running is Yes, NaN without a channel. */
    public static final String SQL_THREAD_RUNNING = "vakt.replication.sql.thread.running";
    /** {@code vakt_primary_health{state}}: 1 for the monitor's current verdict on the primary, 0 for the others. */
    public static final String PRIMARY_HEALTH = "vakt.primary.health";
    /** {@code vakt_filesync_backlog_files}: files not yet copied to the standby site (only when file sync reports). */
    public static final String FILESYNC_BACKLOG = "vakt.filesync.backlog.files";
    /** {@code vakt_filesync_oldest_age_seconds}: how long the oldest waiting file has waited; 0 when none waits. */
    public static final String FILESYNC_OLDEST_AGE = "vakt.filesync.oldest.age.seconds";
    /** {@code vakt_filesync_last_success_timestamp_seconds}: everything changed before this Unix time is on the target; NaN before. */
    public static final String FILESYNC_LAST_SUCCESS = "vakt.filesync.last.success.timestamp.seconds";
    /** {@code vakt_filesync_sent_files_total}: files written on the target since file sync started. */
    public static final String FILESYNC_SENT_FILES = "vakt.filesync.sent.files";
    /** {@code vakt_filesync_sent_bytes_total}: bytes of those files. */
    public static final String FILESYNC_SENT_BYTES = "vakt.filesync.sent.bytes";
    /** {@code vakt_filesync_deleted_files_total}: files removed on the target since file sync started. */
    public static final String FILESYNC_DELETED_FILES = "vakt.filesync.deleted.files";
    /** {@code vakt_filesync_rsync_failures_total}: failed rsync runs (reconciles, large files). */
    public static final String FILESYNC_RSYNC_FAILURES = "vakt.filesync.rsync.failures";
    /** {@code vakt_filesync_push_failures_total}: failed pushes through the receiver (each followed by a reconnect). */
    public static final String FILESYNC_PUSH_FAILURES = "vakt.filesync.push.failures";
    /**
     * {@code vakt_filesync_condition{condition}}: 1 for file sync's worst condition now (in-sync, syncing,
     * starting, behind, failing, deletes-held, refused, paused, stopped), 0 for the others.
     */
    public static final String FILESYNC_CONDITION = "vakt.filesync.condition";
    /** {@code vakt_filesync_delete_guard_tripped{directory}}: 1 while deletions in the directory are held back; NaN when not syncing it. */
    public static final String FILESYNC_DELETE_GUARD_TRIPPED = "vakt.filesync.delete.guard.tripped";
    /** {@code vakt_filesync_behind{directory}}: 1 while the directory's oldest unsynced change is older than files.max-behind. */
    public static final String FILESYNC_BEHIND = "vakt.filesync.behind";
    /** {@code vakt_filesync_failing{directory}}: 1 while pushes to the directory keep failing (three in a row: unreachable, disk full, read-only). */
    public static final String FILESYNC_FAILING = "vakt.filesync.failing";
    /**
     * {@code vakt_failovers_total{outcome}}: journaled failovers and switchovers by outcome (completed, aborted,
     * refused); one that completed with its traffic switch failed is {@code completed}, as in the journal, and
     * is counted in {@link #FAILOVERS_TRAFFIC_PENDING} too.
     */
    public static final String FAILOVERS = "vakt.failovers";
    /**
     * {@code vakt_failovers_traffic_pending_total}: journaled failovers and switchovers that ended "completed,
     * traffic pending" (promoted, the traffic switch failed). A subset of {@code outcome="completed"}, so sums
     * over {@link #FAILOVERS} stay right; whether traffic is still pending now is {@link #TRAFFIC_PENDING}.
     */
    public static final String FAILOVERS_TRAFFIC_PENDING = "vakt.failovers.traffic.pending";
    /** {@code vakt_failover_last_duration_seconds}: start to end of the newest finished failover, NaN before the first. */
    public static final String FAILOVER_LAST_DURATION = "vakt.failover.last.duration.seconds";
    /**
     * {@code vakt_traffic_pending}: 1 while a failed traffic switch is being retried (a failover or switchover
     * completed, but users may still be sent to the old primary), else 0, read from the journal's newest
     * switch result as {@code vakt run}'s retry reads it (0 again once a retry switched or the retry was abandoned).
     */
    public static final String TRAFFIC_PENDING = "vakt.traffic.pending";
    /** {@code vakt_epoch}: the cluster epoch (fencing token) in the journal. */
    public static final String EPOCH = "vakt.epoch";
    /** {@code vakt_drill_last_rto_seconds}: the last drill's measured RTO, NaN before the first drill. */
    public static final String DRILL_LAST_RTO = "vakt.drill.last.rto.seconds";
    /** {@code vakt_drill_last_rpo_seconds}: the last drill's measured RPO, NaN before the first drill. */
    public static final String DRILL_LAST_RPO = "vakt.drill.last.rpo.seconds";
    /** {@code vakt_objective_rto_seconds}: objectives.rto from the config, to compare against. */
    public static final String OBJECTIVE_RTO = "vakt.objective.rto.seconds";
    /** {@code vakt_objective_rpo_seconds}: objectives.rpo from the config. */
    public static final String OBJECTIVE_RPO = "vakt.objective.rpo.seconds";
    /** {@code vakt_paused}: 1 while maintenance mode (vakt pause) holds automatic failover back, else 0. */
    public static final String PAUSED = "vakt.paused";
    /** {@code vakt_backup_archive_lag_seconds}: since the binlog archive last held all the primary had committed; NaN before. */
    public static final String BACKUP_ARCHIVE_LAG = "vakt.backup.archive.lag.seconds";
    /** {@code vakt_backup_archive_broken}: 1 while the archive has a gap and no newer base backup heals it. */
    public static final String BACKUP_ARCHIVE_BROKEN = "vakt.backup.archive.broken";
    /** {@code vakt_backup_newest_seconds}: when the newest base backup finished, seconds since the epoch; NaN when none. */
    public static final String BACKUP_NEWEST = "vakt.backup.newest.seconds";
    public static final String STANDBY_WARMTH = "vakt.standby.warmth";
    public static final String STANDBY_WARMTH_REFRESHED = "vakt.standby.warmth.refreshed";
    /** {@code vakt_pause_remaining_seconds}: until the pause ends by itself; 0 when not paused. */
    public static final String PAUSE_REMAINING = "vakt.pause.remaining.seconds";
    /** {@code vakt_alert_deliveries_total{channel,outcome}}: journaled alerts by delivery channel and outcome. */
    public static final String ALERT_DELIVERIES = "vakt.alert.deliveries";
    /** {@code vakt_coordination_authority}: 1 while this agent may act (the leader on a live session, or the single monitor). */
    public static final String COORDINATION_AUTHORITY = "vakt.coordination.authority";
    /** {@code vakt_coordination_session_state{state}}: 1 for this agent's ZooKeeper session state now (LOCAL without agents). */
    public static final String COORDINATION_SESSION_STATE = "vakt.coordination.session.state";
    /** {@code vakt_coordination_session_since_timestamp_seconds}: when the session entered that state. */
    public static final String COORDINATION_SESSION_SINCE = "vakt.coordination.session.since.timestamp.seconds";
    /** {@code vakt_coordination_agents}: agents with a live node in ZooKeeper, as this agent sees them; NaN without agents. */
    public static final String COORDINATION_AGENTS = "vakt.coordination.agents";
    /** {@code vakt_coordination_epoch}: the cluster epoch as ZooKeeper holds it; NaN when unknown or without agents. */
    public static final String COORDINATION_EPOCH = "vakt.coordination.epoch";
}
