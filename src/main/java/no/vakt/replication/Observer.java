package no.vakt.replication;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import no.vakt.cluster.GtidPosition;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeState;
import no.vakt.db.VaktSchema;

/** Reads an {@link Observation} from open admin sessions to both nodes. Reads only. */
public final class Observer {
    static final Set<String> SYSTEM_SCHEMAS =
            Set.of("mysql", "information_schema", "performance_schema", "sys", VaktSchema.NAME);

    private final NodeInspector inspector;

    public Observer(NodeInspector inspector) {
        this.inspector = inspector;
    }

    public Observation observe(VaktConfig config, DbSession primary, DbSession standby, String replicationPassword)
            throws SQLException {
        NodeState p = inspector.inspect(config.primary(), primary);
        NodeState s = inspector.inspect(config.standby(), standby);
        String user = config.replication().user();
        String hash = NativePassword.hash(replicationPassword);
        String masterUser = standby.replicaStatus().map(r -> r.get("Master_User")).orElse(null);
        return new Observation(p, s,
                databases(primary),
                tableCounts(standby, config.replication().databases()),
                primary.scalar("SELECT COUNT(*) FROM information_schema.tables"
                        + " WHERE table_schema = 'vakt' AND table_name = 'heartbeat'").map(n -> !n.equals("0")).orElse(false),
                AccountReader.read(primary, user, config.standby().effectiveSourceAddress(), hash),
                AccountReader.read(standby, user, config.primary().effectiveSourceAddress(), hash),
                masterUser,
                "ON".equalsIgnoreCase(p.variable("log_bin")) ? oldestBinlog(primary) : null);
    }

    /**
     * The server's oldest binary log and the position it starts after; null when it cannot be read.
     * Then the planner cannot refuse a standby the purged logs leave behind before anything changes,
     * and the wait step reports the replica's own error (1236) after START SLAVE instead.
     */
    static Observation.OldestBinlog oldestBinlog(DbSession db) {
        try {
            List<Map<String, String>> logs = db.rows("SHOW BINARY LOGS");
            if (logs.isEmpty()) return null;
            String file = logs.get(0).get("Log_name");
            // Position 4 is the first event after the 4-byte magic: the position before anything in the file.
            return db.scalar("SELECT BINLOG_GTID_POS(?, 4)", file)
                    .map(pos -> new Observation.OldestBinlog(file, GtidPosition.parse(pos)))
                    .orElse(null);
        } catch (SQLException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Set<String> databases(DbSession db) throws SQLException {
        Set<String> out = new TreeSet<>();
        for (Map<String, String> row : db.rows("SELECT schema_name AS name FROM information_schema.schemata")) {
            String name = row.get("name");
            if (!SYSTEM_SCHEMAS.contains(name)) out.add(name);
        }
        return out;
    }

    private static Map<String, Integer> tableCounts(DbSession db, List<String> databases) throws SQLException {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String name : databases) {
            int n = db.scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?", name)
                    .map(Integer::parseInt).orElse(0);
            out.put(name, n);
        }
        return out;
    }
}
