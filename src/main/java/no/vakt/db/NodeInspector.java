package no.vakt.db;

import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.vakt.config.Node;
import no.vakt.config.SecretRef;

/** Reads a node's replication-relevant state in one short-lived session. */
public final class NodeInspector {
    private final Duration timeout;

    public NodeInspector(Duration timeout) {
        this.timeout = timeout;
    }

    /** Opens an admin session to the node; the caller closes it. */
    public DbSession open(Node node) throws SQLException {
        String password;
        try {
            password = node.mysql().secret().resolve();
        } catch (SecretRef.SecretUnavailableException e) {
            throw new SQLException(e.getMessage(), "28000");
        }
        return DbSession.open(node.mysql(), password, timeout);
    }

    public NodeState inspect(Node node) {
        try (DbSession db = open(node)) {
            return inspect(node, db);
        } catch (SQLException e) {
            return NodeState.unreachable(node, Errors.describe(e));
        }
    }

    public NodeState inspect(Node node, DbSession db) throws SQLException {
        Map<String, String> vars = new java.util.HashMap<>(db.globalVariables());
        // Where read_only's value came from (CONFIG, COMPILE-TIME, SQL...): vakt check tells from it whether the
        // server config starts the node read-only. Not a server variable: a name no server variable can have.
        db.scalar("SELECT GLOBAL_VALUE_ORIGIN FROM information_schema.SYSTEM_VARIABLES WHERE VARIABLE_NAME = 'READ_ONLY'")
                .ifPresent(origin -> vars.put(NodeState.READ_ONLY_ORIGIN, origin));
        return inspect(node, db, vars);
    }

    /**
     * The global variables a steady watch reads from a node's state: the monitor's standby inspection, the
     * dashboard's status report ({@link no.vakt.status.NodeStatus}, semi-sync) and the live roles. SHOW GLOBAL
     * VARIABLES returns some 650 rows, and decrypting and sorting them every second for two nodes was a good
     * part of a steady {@code vakt run}'s CPU; checks, failovers and rejoins read them all ({@link #inspect}).
     */
    public static final List<String> WATCHED_VARIABLES = List.of("server_id", "version", "read_only", "log_bin",
            "log_slave_updates", "binlog_format", "gtid_binlog_pos", "gtid_binlog_state", "gtid_current_pos",
            "gtid_slave_pos", "gtid_strict_mode", "rpl_semi_sync_master_enabled", "rpl_semi_sync_master_timeout",
            "rpl_semi_sync_master_wait_point", "rpl_semi_sync_slave_enabled");

    /** As {@link #inspect(Node, DbSession)}, with only {@link #WATCHED_VARIABLES} among the variables. */
    public NodeState watch(Node node, DbSession db) throws SQLException {
        return inspect(node, db, db.globalVariables(WATCHED_VARIABLES));
    }

    private NodeState inspect(Node node, DbSession db, Map<String, String> vars) throws SQLException {
        Optional<ReplicaStatus> replica = db.replicaStatus().map(ReplicaStatus::from);
        Map<String, String> filters = new LinkedHashMap<>();
        if ("ON".equalsIgnoreCase(vars.get("log_bin"))) {
            List<Map<String, String>> master = db.rows("SHOW MASTER STATUS");
            if (!master.isEmpty()) {
                putIfSet(filters, "binlog_do_db", master.get(0).get("Binlog_Do_DB"));
                putIfSet(filters, "binlog_ignore_db", master.get(0).get("Binlog_Ignore_DB"));
            }
        }
        Map<String, String> semi = db.globalStatus("Rpl_semi_sync%");
        // The session's TLS names cost one more query and only the preflight shows them (it adds them: withTls).
        return new NodeState(node, true, null, vars, replica, heartbeatLagMs(db), filters, semi, null);
    }

    /** Milliseconds since the newest heartbeat row was written, null when there is none yet. */
    static Long heartbeatLagMs(DbSession db) throws SQLException {
        try {
            return db.scalar("SELECT TIMESTAMPDIFF(MICROSECOND, MAX(ts), UTC_TIMESTAMP(6)) DIV 1000 FROM vakt.heartbeat")
                    .map(Long::valueOf)
                    .map(ms -> Math.max(0, ms))
                    .orElse(null);
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146 || e.getErrorCode() == 1049) return null; // no table / schema yet
            throw e;
        }
    }

    private static void putIfSet(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) map.put(key, value);
    }
}
