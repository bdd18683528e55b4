package no.vakt.replication;

import java.sql.SQLException;
import java.util.Map;
import no.vakt.db.DbSession;
import no.vakt.db.NodeState;

/**
 * MariaDB's built-in semi-synchronous replication as one node reports it. The primary side can be
 * enabled yet inactive: after {@code rpl_semi_sync_master_timeout} without an ack it falls back to
 * asynchronous replication ({@code Rpl_semi_sync_master_status=OFF}) until a standby catches up.
 */
public record SemiSyncState(
        boolean masterEnabled,
        boolean masterStatusOn,
        int masterClients,
        long timeoutMs,
        String waitPoint,
        long yesTx,
        long noTx,
        boolean slaveEnabled,
        boolean slaveStatusOn) {

    public static SemiSyncState read(DbSession db) throws SQLException {
        return of(db.globalVariables(), db.globalStatus("Rpl_semi_sync%"));
    }

    public static SemiSyncState of(NodeState state) {
        return of(state.variables(), state.semiSyncStatus());
    }

    /** From global variables and status, lower-case names. */
    public static SemiSyncState of(Map<String, String> variables, Map<String, String> status) {
        return new SemiSyncState(
                Statements.isOn(variables.get("rpl_semi_sync_master_enabled")),
                Statements.isOn(status.get("rpl_semi_sync_master_status")),
                (int) number(status.get("rpl_semi_sync_master_clients")),
                number(variables.get("rpl_semi_sync_master_timeout")),
                variables.getOrDefault("rpl_semi_sync_master_wait_point", ""),
                number(status.get("rpl_semi_sync_master_yes_tx")),
                number(status.get("rpl_semi_sync_master_no_tx")),
                Statements.isOn(variables.get("rpl_semi_sync_slave_enabled")),
                Statements.isOn(status.get("rpl_semi_sync_slave_status")));
    }

    /** Enabled on this primary, but it stopped waiting for acks: commits are only asynchronous now. */
    public boolean fellBackToAsync() {
        return masterEnabled && !masterStatusOn;
    }

    /** Commits on this primary wait for a standby's ack. */
    public boolean active() {
        return masterEnabled && masterStatusOn;
    }

    /** One line for an operator, from the primary's side. */
    public String describeMaster() {
        if (!masterEnabled) return "semi-sync off";
        if (fellBackToAsync()) {
            return "semi-sync FELL BACK to asynchronous (Rpl_semi_sync_master_status OFF, " + noTx
                    + " commits without ack, " + masterClients + " semi-sync client" + (masterClients == 1 ? "" : "s") + ")";
        }
        return "semi-sync ON (" + masterClients + " semi-sync client" + (masterClients == 1 ? "" : "s") + ", wait point "
                + waitPoint + ", timeout " + timeoutMs + " ms)";
    }

    private static long number(String s) {
        try {
            return s == null || s.isBlank() ? 0 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
