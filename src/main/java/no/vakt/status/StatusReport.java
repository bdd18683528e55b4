package no.vakt.status;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import no.vakt.config.Durations;
import no.vakt.config.Node;
import no.vakt.config.Role;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;

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
 *   heartbeat_lag_ms      number   age of the newest row in vakt.heartbeat on this node (on a standby:
 *                                  the real replication delay plus at most one heartbeat interval);
 *                                  null when no heartbeat has arrived yet
 *   seconds_behind_master number   Seconds_Behind_Master as the server reports it; null when NULL or no
 *                                  channel. Shown next to heartbeat_lag_ms, never to be trusted alone
 *   last_error            string   the replica's last IO/SQL error, or the connection error of an
 *                                  unreachable node; null when none
 * warnings[]              string   problems an operator should look at, one sentence each
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
        Map<String, NodeState> byName = states.stream()
                .collect(Collectors.toMap(s -> s.node().name(), Function.identity(), (a, b) -> b));
        List<NodeStatus> rows = new ArrayList<>();
        for (Node node : config.nodes()) {
            NodeState state = byName.getOrDefault(node.name(), NodeState.unreachable(node, "not probed"));
            rows.add(NodeStatus.from(config, state));
        }
        boolean allReachable = rows.stream().allMatch(NodeStatus::reachable);
        return new StatusReport(config.cluster(), at.truncatedTo(ChronoUnit.MILLIS).toString(), allReachable, rows,
                warnings(rows, config.objectives().rpo()));
    }

    public long reachableCount() {
        return nodes.stream().filter(NodeStatus::reachable).count();
    }

    static List<String> warnings(List<NodeStatus> rows, Duration rpo) {
        List<String> w = new ArrayList<>();
        for (NodeStatus n : rows) {
            if (!n.reachable()) {
                w.add(n.node() + " (" + n.address() + ") is unreachable: " + n.error());
                continue;
            }
            if (n.roleMismatch()) {
                w.add(n.node() + " is configured as " + n.configuredRole() + " but is live " + n.liveRole()
                        + explainLive(n));
            }
            if (n.liveAs(LiveRole.STANDBY)) standbyWarnings(n, rpo, w);
        }
        List<NodeStatus> primaries = rows.stream().filter(n -> n.liveAs(LiveRole.PRIMARY)).toList();
        if (primaries.size() > 1) {
            w.add(primaries.size() + " writable primaries (" + primaries.stream().map(NodeStatus::node)
                    .collect(Collectors.joining(", ")) + "): split-brain risk, writes can diverge");
        }
        if (primaries.isEmpty() && rows.stream().allMatch(NodeStatus::reachable)) {
            w.add("no writable primary: the application cannot write");
        }
        return w;
    }

    private static void standbyWarnings(NodeStatus n, Duration rpo, List<String> w) {
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
            w.add(n.node() + " has no heartbeat yet, so its lag is unknown (start `vakt heartbeat`);"
                    + " Seconds_Behind_Master alone is not trusted");
        } else if (n.heartbeatLagMs() > rpo.toMillis()) {
            w.add(n.node() + " heartbeat lag " + n.heartbeatLagMs() + " ms is over the RPO of "
                    + Durations.format(rpo) + (n.secondsBehindMaster() != null && n.secondsBehindMaster() == 0
                            ? " (Seconds_Behind_Master says 0: the heartbeat is the truth)" : ""));
        }
    }

    private static String explainLive(NodeStatus n) {
        if (n.liveAs(LiveRole.IDLE)) {
            return " (read-only, replicating from nobody)"
                    + (n.configuredAs(Role.STANDBY) ? ": set it up with `vakt replicate`" : "");
        }
        if (n.liveAs(LiveRole.PRIMARY)) return " (writable, replicating from nobody)";
        return n.replicatingFromNode() != null ? " (replicating from " + n.replicatingFromNode() + ")" : "";
    }
}
