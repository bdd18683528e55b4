package no.vakt.check;

import static no.vakt.check.ServerRules.name;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.db.VaktSchema;

/** Binlog and replication filters, with what they can silently leave out. */
final class FilterRules {
    static final List<String> REPLICATE_VARIABLES = List.of("replicate_do_db", "replicate_ignore_db",
            "replicate_do_table", "replicate_ignore_table", "replicate_wild_do_table", "replicate_wild_ignore_table");

    private FilterRules() {}

    static List<Finding> binlogFilters(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        ServerRules.reachable(o).filter(n -> !n.binlogFilters().isEmpty()).forEach(n -> {
            Map<String, String> filters = new TreeMap<>(n.binlogFilters());
            String format = n.variable("binlog_format");
            String how = "ROW".equalsIgnoreCase(format)
                    ? "with ROW events it follows each table's database, but DDL follows the default database (USE)"
                    : "with binlog_format " + format + " it follows the default database (USE), not the database a"
                            + " statement writes to: a cross-database update (USE other; UPDATE shop.t) is silently left out";
            String message = DatabaseFilters.describe(filters) + ": databases outside the filter never reach the binary"
                    + " log, so neither the standby nor point-in-time recovery ever sees them; " + how;
            out.add(severity(o.isPrimary(n), DatabaseFilters.excluded(filters, needed(config)), "binlog-filter", n,
                    message, "remove binlog-do-db / binlog-ignore-db from " + name(n)
                            + "'s my.cnf and restart mariadbd; limit what applications reach with grants instead"));
        });
        return out;
    }

    static List<Finding> replicationFilters(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        ServerRules.reachable(o).forEach(n -> {
            Map<String, String> filters = replicateFilters(n);
            if (filters.isEmpty()) return;
            String message = DatabaseFilters.describe(filters) + ": applied on the replica to each event; with"
                    + " statement events the default database decides, so cross-database updates are silently skipped;"
                    + " tables outside the filter never reach the " + (o.isPrimary(n) ? "primary when it replicates back"
                    : "standby") + " and nothing reports it";
            String reset = String.join(" ", filters.keySet().stream().map(k -> "SET GLOBAL " + k + " = '';").toList());
            out.add(severity(!o.isPrimary(n), DatabaseFilters.excluded(filters, needed(config)), "replication-filter",
                    n, message, "on " + name(n) + ": STOP SLAVE; " + reset + " START SLAVE; and remove the replicate-*"
                            + " options from its my.cnf"));
        });
        return out;
    }

    /** replicate_* from the global variables, completed by SHOW SLAVE STATUS. */
    static Map<String, String> replicateFilters(NodeState n) {
        Map<String, String> out = new TreeMap<>();
        for (String v : REPLICATE_VARIABLES) {
            String value = n.variable(v);
            if (value != null && !value.isBlank()) out.put(v, value);
        }
        n.replica().ifPresent(r -> r.filters().forEach(out::putIfAbsent));
        return out;
    }

    /** The configured application databases plus Vakt's own (heartbeat and canary must replicate). */
    private static List<String> needed(VaktConfig config) {
        List<String> dbs = new ArrayList<>(config.replication().databases());
        dbs.add(VaktSchema.NAME);
        return dbs;
    }

    private static Finding severity(boolean active, List<String> excluded, String id, NodeState n, String message,
            String fix) {
        if (active && !excluded.isEmpty()) {
            return Finding.error(id, name(n), message + "; it leaves out " + String.join(", ", excluded)
                    + (excluded.contains(VaktSchema.NAME) ? " (vakt holds the heartbeat and canary)" : ""), fix);
        }
        return Finding.warning(id, name(n), message + (excluded.isEmpty() ? "" : "; it leaves out "
                + String.join(", ", excluded)), fix);
    }
}
