package no.vakt.replication;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.vakt.cluster.GtidPosition.Gtid;
import no.vakt.cluster.GtidPosition;
import no.vakt.db.NodeState;

/**
 * Everything the bootstrap decision looks at, read from both nodes before anything is changed.
 *
 * @param primaryDatabases the primary's non-system schemas
 * @param standbyTables for each configured database, the number of tables it has on the standby
 * @param primaryHasVaktSchema vakt.heartbeat exists on the primary
 * @param primaryAccount the replication account for the standby's source address, on the primary
 * @param standbyAccount the replication account for the primary's source address, on the standby (the way back)
 * @param standbyMasterUser Master_User of the standby's replica status, null when it replicates from nobody
 * @param primaryOldestBinlog the primary's oldest binary log and the position it starts after; null when
 *     unknown (no binary log, or it could not be read)
 */
public record Observation(
        NodeState primary,
        NodeState standby,
        Set<String> primaryDatabases,
        Map<String, Integer> standbyTables,
        boolean primaryHasVaktSchema,
        AccountState primaryAccount,
        AccountState standbyAccount,
        String standbyMasterUser,
        OldestBinlog primaryOldestBinlog) {

    /**
     * The oldest binary log a server still has (the first of SHOW BINARY LOGS) and the GTID position
     * it starts after ({@code BINLOG_GTID_POS(file, 4)}): every transaction up to that position is only
     * in logs that were purged, so a replica that has not got them cannot be fed by this server.
     */
    public record OldestBinlog(String file, GtidPosition startsAfter) {}

    public Observation {
        primaryDatabases = Set.copyOf(primaryDatabases);
        standbyTables = Map.copyOf(standbyTables);
    }

    /** The standby's whole GTID history, per domain: its own binlog and what it applied as a replica. */
    public GtidPosition standbyPosition() {
        return GtidPosition.parse(String.join(",", nonNull(standby.variable("gtid_binlog_pos")),
                nonNull(standby.variable("gtid_slave_pos")), nonNull(standby.variable("gtid_current_pos"))));
    }

    /** Every (domain, server) the standby has transactions from. */
    public GtidHistory standbyHistory() {
        return GtidHistory.parse(standby.variable("gtid_binlog_state"), standby.variable("gtid_slave_pos"),
                standby.variable("gtid_current_pos"));
    }

    public GtidHistory primaryHistory() {
        return GtidHistory.parse(primary.variable("gtid_binlog_state"), primary.variable("gtid_binlog_pos"));
    }

    /** Standby GTIDs the primary has not got: past its position in a domain, or from an origin it never saw. */
    public List<Gtid> errantGtids() {
        LinkedHashSet<Gtid> out = new LinkedHashSet<>(standbyPosition().beyond(primary.gtidBinlogPos()));
        out.addAll(standbyHistory().unknownTo(primaryHistory()));
        return List.copyOf(out);
    }

    /**
     * The primary's GTIDs the standby still needs that are only in purged binary logs: per domain, the
     * oldest log's starting GTID when the standby's position is behind it (or lacks the domain). Empty
     * when the standby has no history (it is seeded then) or the oldest log is unknown.
     */
    public List<Gtid> purgedForStandby() {
        if (primaryOldestBinlog == null || standbyPosition().isEmpty()) return List.of();
        return primaryOldestBinlog.startsAfter().beyond(standbyPosition());
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
