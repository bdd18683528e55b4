package no.vakt.status;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import no.vakt.config.Durations;
import no.vakt.config.Node;
import no.vakt.config.Role;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.filesync.FileSyncSnapshot;
import no.vakt.filesync.FileSyncStatusView;
import no.vakt.replication.SemiSyncState;
import no.vakt.roles.LiveRole;

/**
 * What {@code vakt status} shows: one row per configured node plus warnings, built from probe
 * results without any I/O, so it can be tested with hand-made {@link NodeState}s.
 *
 * <h2>JSON ({@code vakt status --json})</h2>
 * One object; every field is always present, {@code null} when unknown or not applicable.
 * <pre>
 * cluster                 string   cluster name from the config
 * generated_at            string   ISO-8601 UTC time of the probe
 * all_reachable           boolean  every configured node answered (the exit code is 0 exactly then)
 * nodes[]                          one per configured node, in config order:
 *   site                  string   site name
 *   node                  string   node name
 *   address               string   host:port Vakt connects to
 *   configured_role       string   "primary" | "standby" (from the config)
 *   live_role             string   "primary" (writable, replicating from nobody) | "standby" (replicating)
 *                                  | "idle" (read-only, replicating from nobody) | "unknown" (unreachable)
 *   role_mismatch         boolean  live role differs from the configured role (false when unknown)
 *   reachable             boolean  the probe connected and read the node's state
 *   error                 string   why the node is unreachable; null when reachable
 *   server_id             number   @@server_id
 *   version               string   @@version
 *   read_only             boolean  @@read_only
 *   gtid_current_pos      string   @@gtid_current_pos, e.g. "0-1-42" ("" when empty)
 *   gtid_binlog_pos       string   @@gtid_binlog_pos
 *   gtid_slave_pos        string   @@gtid_slave_pos
 *   replicating_from      string   Master_Host:Master_Port of SHOW SLAVE STATUS; null when no channel
 *   replicating_from_node string   the configured node at that address; null when none matches
 *   io_thread             string   Slave_IO_Running ("Yes" | "No" | "Connecting"); null when no channel
 *   sql_thread            string   Slave_SQL_Running ("Yes" | "No"); null when no channel
 *   heartbeat_lag_ms      number   a live standby's replication lag by heartbeat (see heartbeat_lag_basis);
 *                                  null on a primary or idle node, and when no heartbeat has arrived yet
 *   heartbeat_lag_basis   string   "source": the node it replicates from answered, and the lag is that
 *                                  node's newest heartbeat minus this node's newest applied one (a stopped
 *                                  writer does not count as lag) | "age": the source did not answer or has
 *                                  no heartbeat, so the lag is this node's heartbeat_age_ms, an upper
 *                                  bound that also counts time without a writer; null with no lag figure
 *   heartbeat_age_ms      number   age of the newest row in vakt.heartbeat on this node, by its own clock;
 *                                  on the primary it says whether a writer runs; null when there is none
 *   seconds_behind_master number   Seconds_Behind_Master as the server reports it; null when NULL or no
 *                                  channel. Shown next to heartbeat_lag_ms, never to be trusted alone
 *   semi_sync             string   on a live primary: "on" (commits wait for a standby's ack), "fallback"
 *                                  (enabled, but it stopped waiting: asynchronous now), "off"; on a live
 *                                  standby: "on" (acknowledging), "enabled" (enabled but not in effect),
 *                                  "off"; null on idle and unreachable nodes
 *   last_error            string   the replica's last IO/SQL error, or the connection error of an
 *                                  unreachable node; null when none
 * warnings[]              string   problems an operator should look at, one sentence each (file sync
 *                                  problems included when the caller passed its snapshot)
 * </pre>
 */
public record StatusReport(
        String cluster,
        String generatedAt,
        boolean allReachable,
        List<NodeStatus> nodes,
        List<String> warnings) {

    public StatusReport {
        nodes = List.copyOf(nodes);
        warnings = List.copyOf(warnings);
    }

    public static StatusReport from(VaktConfig config, Collection<NodeState> states) {
        return from(config, states, Instant.now());
    }

    /** Rows in config order; a configured node without a probe result counts as unreachable. */
    public static StatusReport from(VaktConfig config, Collection<NodeState> states, Instant at) {
        return from(config, states, at, Optional.empty());
    }

    /**
     * As {@link #from(VaktConfig, Collection, Instant)}, with the file sync snapshot the running sync
     * last wrote (see {@link no.vakt.filesync.StatusFile}): a held-back delete or a failing push is a
     * warning too.
     */
    public static StatusReport from(VaktConfig config, Collection<NodeState> states, Instant at,
            Optional<FileSyncSnapshot> fileSync) {
        Map<String, NodeState> byName = states.stream()
                .collect(Collectors.toMap(s -> s.node().name(), Function.identity(), (a, b) -> b));
        List<NodeState> ordered = new ArrayList<>();
        for (Node node : config.nodes()) {
            ordered.add(byName.getOrDefault(node.name(), NodeState.unreachable(node, "not probed")));
        }
        List<NodeStatus> rows = new ArrayList<>();
        for (NodeState state : ordered) {
            Optional<NodeState> source = state.replica().flatMap(r -> NodeStatus.sourceNode(config, r))
                    .map(n -> byName.get(n.name()));
            rows.add(NodeStatus.from(config, state, source));
        }
        boolean allReachable = rows.stream().allMatch(NodeStatus::reachable);
        List<String> warnings = warnings(config, rows, ordered);
        if (config.files().enabled()) fileSyncWarnings(FileSyncStatusView.current(fileSync, at), warnings);
        return new StatusReport(config.cluster(), at.truncatedTo(ChronoUnit.MILLIS).toString(), allReachable, rows,
                warnings);
    }

    /** This report with {@code warning} first: what the journal knows and the servers cannot say. */
    public StatusReport withFirstWarning(String warning) {
        List<String> all = new ArrayList<>(warnings.size() + 1);
        all.add(warning);
        all.addAll(warnings);
        return new StatusReport(cluster, generatedAt, allReachable, nodes, all);
    }

    public long reachableCount() {
        return nodes.stream().filter(NodeStatus::reachable).count();
    }

    /** @param states the probe results, in the order of {@code rows} */
    static List<String> warnings(VaktConfig config, List<NodeStatus> rows, List<NodeState> states) {
        List<String> w = new ArrayList<>();
        Duration rpo = config.objectives().rpo();
        Map<String, NodeStatus> byName = rows.stream()
                .collect(Collectors.toMap(NodeStatus::node, Function.identity(), (a, b) -> a));
        for (int i = 0; i < rows.size(); i++) {
            NodeStatus n = rows.get(i);
            if (!n.reachable()) {
                w.add(n.node() + " (" + n.address() + ") is unreachable: " + n.error());
                continue;
            }
            if (n.roleMismatch()) {
                w.add(n.node() + " is configured as " + n.configuredRole() + " but is live " + n.liveRole()
                        + explainLive(n));
            }
            if (n.liveAs(LiveRole.STANDBY)) {
                NodeStatus source = n.replicatingFromNode() == null ? null : byName.get(n.replicatingFromNode());
                standbyWarnings(n, source, rpo, w);
                semiSyncStandbyWarnings(config, n, w);
            }
            if (n.liveAs(LiveRole.PRIMARY)) {
                heartbeatWriterWarning(config, n, w);
                semiSyncPrimaryWarnings(config, n, SemiSyncState.of(states.get(i)), w);
            }
        }
        List<NodeStatus> primaries = rows.stream().filter(n -> n.liveAs(LiveRole.PRIMARY)).toList();
        if (primaries.size() > 1) {
            w.add(primaries.size() + " writable primaries (" + primaries.stream().map(NodeStatus::node)
                    .collect(Collectors.joining(", ")) + "): split-brain risk, writes can diverge");
        }
        if (primaries.isEmpty() && rows.stream().allMatch(NodeStatus::reachable)) {
            List<NodeStatus> idle = rows.stream().filter(n -> n.liveAs(LiveRole.IDLE)).toList();
            // One idle node and the other read-only: a restarted primary (every node starts read-only).
            w.add("no writable primary: the application cannot write"
                    + (idle.size() == 1 ? "; " + ReadOnlyPrimary.advice(idle.get(0).node()) : ""));
        }
        return w;
    }

    private static void standbyWarnings(NodeStatus n, NodeStatus source, Duration rpo, List<String> w) {
        if (Boolean.FALSE.equals(n.readOnly())) {
            w.add(n.node() + " replicates but is writable (read_only OFF): local writes would diverge");
        }
        if (!"Yes".equalsIgnoreCase(n.ioThread()) || !"Yes".equalsIgnoreCase(n.sqlThread())) {
            w.add(n.node() + " replication is not running (IO thread " + n.ioThread() + ", SQL thread "
                    + n.sqlThread() + ")" + (n.lastError() != null ? ": " + n.lastError() : ""));
        }
        if (n.replicatingFromNode() == null) {
            w.add(n.node() + " replicates from " + n.replicatingFrom() + ", which is no node in the config");
        }
        if (n.heartbeatLagMs() == null) {
            boolean sourceWrites = source != null && source.heartbeatAgeMs() != null;
            w.add(sourceWrites
                    ? n.node() + " has no heartbeat row although " + source.node() + " has, so its lag is unknown:"
                            + " the vakt schema does not reach it (see the replication threads and filters);"
                            + " Seconds_Behind_Master alone is not trusted"
                    : n.node() + " has no heartbeat yet, so its lag is unknown (start `vakt run` or `vakt heartbeat`);"
                            + " Seconds_Behind_Master alone is not trusted");
        } else if (n.heartbeatLagMs() > rpo.toMillis()) {
            w.add(n.node() + " heartbeat lag " + n.heartbeatLagMs() + " ms is over the RPO of " + Durations.format(rpo)
                    + (n.lagFromAge() ? " (" + ageReason(n, source) + ")" : "")
                    + (n.secondsBehindMaster() != null && n.secondsBehindMaster() == 0
                            ? " (Seconds_Behind_Master says 0: the heartbeat is the truth)" : ""));
        }
    }

    /** Why a lag is the raw age of the newest row, and what that means. */
    private static String ageReason(NodeStatus n, NodeStatus source) {
        String why;
        if (source == null) why = "its source is no configured node";
        else if (!source.reachable()) why = source.node() + " does not answer";
        else why = source.node() + " has no heartbeat row";
        return "the age of its newest heartbeat row: " + why + ", so this also counts any time no writer was running";
    }

    private static void heartbeatWriterWarning(VaktConfig config, NodeStatus n, List<String> w) {
        Duration stale = HeartbeatLag.staleAfter(config.replication().heartbeatInterval());
        if (n.heartbeatAgeMs() != null && n.heartbeatAgeMs() > stale.toMillis()) {
            w.add("heartbeat writer stopped: newest row " + n.heartbeatAgeMs() + " ms old on " + n.node()
                    + " (expected every " + Durations.format(config.replication().heartbeatInterval())
                    + "), so lag is measured only up to that row; is `vakt run` or `vakt heartbeat` running?");
        }
    }

    private static void semiSyncPrimaryWarnings(VaktConfig config, NodeStatus n, SemiSyncState s, List<String> w) {
        if (s.fellBackToAsync()) {
            w.add(n.node() + " " + s.describeMaster() + ": commits no longer wait for a standby's ack, so a failover"
                    + " now can lose them (RPO not zero); check that the standby acknowledges"
                    + " (rpl_semi_sync_slave_enabled ON, IO thread running)");
        } else if (config.replication().semiSync() && !s.masterEnabled()) {
            w.add("replication.semi-sync is true but " + n.node() + " has rpl_semi_sync_master_enabled OFF:"
                    + " replication is asynchronous (run `vakt replicate`)");
        }
    }

    private static void semiSyncStandbyWarnings(VaktConfig config, NodeStatus n, List<String> w) {
        if (!config.replication().semiSync()) return;
        if (NodeStatus.SEMI_SYNC_OFF.equals(n.semiSync())) {
            w.add("replication.semi-sync is true but " + n.node() + " has rpl_semi_sync_slave_enabled OFF:"
                    + " it never acknowledges, so its primary falls back to asynchronous (run `vakt replicate`)");
        } else if (NodeStatus.SEMI_SYNC_ENABLED.equals(n.semiSync()) && "Yes".equalsIgnoreCase(n.ioThread())) {
            w.add(n.node() + " has semi-sync enabled but not in effect (Rpl_semi_sync_slave_status OFF): its IO thread"
                    + " connected before it was enabled; on " + n.node() + ": STOP SLAVE IO_THREAD; START SLAVE IO_THREAD;");
        }
    }

    /**
     * File sync problems, as file sync itself judges them ({@link FileSyncSnapshot#problems()}: deletions
     * held back by the guard, pushes failing again and again, a directory behind or refused). A snapshot
     * that is no longer written means the sync that wrote it stopped without saying so: that is a
     * problem too, and its last problems are only what was.
     */
    static void fileSyncWarnings(Optional<FileSyncSnapshot> current, List<String> w) {
        if (current.isEmpty()) return;
        FileSyncSnapshot s = current.get();
        if (NOT_RUNNING.equals(s.state())) {
            w.add("file sync is not running" + (s.note() == null ? "" : " (" + s.note() + ")")
                    + ": nothing is copied to the standby; start `vakt run` or `vakt sync --watch`"
                    + (s.problems().isEmpty() ? "" : "; when it last wrote: " + String.join("; ", s.problems())));
            return;
        }
        for (String p : s.problems()) w.add("file sync: " + p);
    }

    /** The state {@link FileSyncStatusView#current} gives a snapshot nobody writes any more. */
    private static final String NOT_RUNNING = "not running";

    private static String explainLive(NodeStatus n) {
        if (n.liveAs(LiveRole.IDLE)) {
            return " (read-only, replicating from nobody)"
                    + (n.configuredAs(Role.STANDBY) ? ": set it up with `vakt replicate`" : "");
        }
        if (n.liveAs(LiveRole.PRIMARY)) return " (writable, replicating from nobody)";
        return n.replicatingFromNode() != null ? " (replicating from " + n.replicatingFromNode() + ")" : "";
    }
}
