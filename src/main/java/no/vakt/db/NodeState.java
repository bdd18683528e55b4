package no.vakt.db;

import java.util.Map;
import java.util.Optional;
import no.vakt.cluster.GtidPosition;
import no.vakt.config.Node;

/**
 * What one probe saw on one node. An unreachable node has {@code reachable=false}, the error, and
 * nothing else; every other field is null/empty then.
 *
 * @param variables all global variables, lower-case names
 * @param heartbeatLagMs age of the newest heartbeat row on this node, null when no heartbeat exists
 * @param binlogFilters Binlog_Do_DB / Binlog_Ignore_DB from SHOW MASTER STATUS, when set
 * @param semiSyncStatus Rpl_semi_sync_* status values, lower-case names
 * @param tls how Vakt's own session to the node travelled (plaintext or TLS); null when not observed
 */
public record NodeState(
        Node node,
        boolean reachable,
        String error,
        Map<String, String> variables,
        Optional<ReplicaStatus> replica,
        Long heartbeatLagMs,
        Map<String, String> binlogFilters,
        Map<String, String> semiSyncStatus,
        SessionTls tls) {

    /** Without the session's TLS (hand-made states). */
    public NodeState(Node node, boolean reachable, String error, Map<String, String> variables,
            Optional<ReplicaStatus> replica, Long heartbeatLagMs, Map<String, String> binlogFilters,
            Map<String, String> semiSyncStatus) {
        this(node, reachable, error, variables, replica, heartbeatLagMs, binlogFilters, semiSyncStatus, null);
    }

    /** This state with how Vakt's session travelled ({@link DbSession#sessionTls}). */
    public NodeState withTls(SessionTls sessionTls) {
        return new NodeState(node, reachable, error, variables, replica, heartbeatLagMs, binlogFilters, semiSyncStatus,
                sessionTls);
    }

    public static NodeState unreachable(Node node, String error) {
        return new NodeState(node, false, error, Map.of(), Optional.empty(), null, Map.of(), Map.of(), null);
    }

    public String variable(String name) {
        return variables.get(name);
    }

    /** True for ON, 1, YES (any case). */
    public boolean flag(String name) {
        String v = variables.get(name);
        return v != null && (v.equalsIgnoreCase("ON") || v.equals("1") || v.equalsIgnoreCase("YES"));
    }

    public long serverId() {
        String v = variables.get("server_id");
        return v == null ? 0 : Long.parseLong(v);
    }

    public String version() {
        return variables.getOrDefault("version", "");
    }

    public boolean readOnly() {
        String v = variables.get("read_only");
        return v != null && readOnly(v);
    }

    /**
     * read_only as the server spells it: "0"/"1", "OFF"/"ON" (10.x), or 11.x's enum, where ON, NO_LOCK and
     * NO_LOCK_NO_ADMIN all refuse ordinary writes: only "0"/"OFF" is writable.
     */
    public static boolean readOnly(String value) {
        String v = value.trim();
        return !(v.equals("0") || v.equalsIgnoreCase("OFF"));
    }

    /** Key of read_only's GLOBAL_VALUE_ORIGIN among the variables of a full inspection (a dot: no server variable). */
    public static final String READ_ONLY_ORIGIN = "vakt.read_only_origin";

    /**
     * Where read_only's current value came from: CONFIG or COMMAND-LINE (the server config), COMPILE-TIME
     * (nothing set it: OFF), SQL (SET GLOBAL since the start); null when not read.
     */
    public String readOnlyOrigin() {
        return variables.get(READ_ONLY_ORIGIN);
    }

    public GtidPosition gtidBinlogPos() {
        return GtidPosition.parse(variables.get("gtid_binlog_pos"));
    }

    public GtidPosition gtidCurrentPos() {
        return GtidPosition.parse(variables.get("gtid_current_pos"));
    }

    public GtidPosition gtidSlavePos() {
        return GtidPosition.parse(variables.get("gtid_slave_pos"));
    }
}
