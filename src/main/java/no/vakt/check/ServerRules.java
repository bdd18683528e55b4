package no.vakt.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.db.TlsFailure;

/**
 * Checks of each server's own settings: reachability, identity, binary log, durability, read-only. Primary
 * and standby are the live ones ({@link Observations}).
 */
final class ServerRules {
    private ServerRules() {}

    static List<Finding> reachability(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        o.nodes().forEach(s -> {
            var m = s.node().mysql();
            if (s.reachable()) {
                out.add(Finding.ok("reachable", name(s), "logged in to " + m.address() + " as " + m.user()
                        + " (MariaDB " + s.version() + ")"));
            } else {
                String error = s.error() == null ? "unknown error" : s.error();
                Optional<TlsFailure> tls = TlsFailure.in(error);
                String fix = tls.isPresent()
                        ? AdminTlsRules.fix(config, s.node(), tls.get()) // not the network: the admin-tls finding's fix
                        : error.contains("Access denied") || error.contains("secret")
                        ? "check that the account " + m.user() + "@<the address vakt connects from> exists on " + name(s)
                                + " with the password in " + m.secret() + " and the grants `vakt init` prints (docs/install.md)"
                        : "check that mariadbd runs on " + m.host() + " and listens on port " + m.port()
                                + " (bind-address, firewall), then run vakt check again";
                out.add(Finding.error("reachable", name(s), "cannot log in to " + m.address() + " as " + m.user()
                        + ": " + error, fix));
            }
        });
        return out;
    }

    static List<Finding> serverIds(VaktConfig config, Observations o) {
        if (!o.bothReachable()) return List.of();
        List<Finding> out = new ArrayList<>();
        long p = o.primary().serverId();
        long s = o.standby().serverId();
        for (NodeState n : List.of(o.primary(), o.standby())) {
            if (n.serverId() == 0) {
                out.add(Finding.error("server-id", name(n), "server_id is 0: the server refuses to replicate",
                        "on " + name(n) + ": SET GLOBAL server_id = <unique number>; and server-id = <same> in its my.cnf"));
            }
        }
        if (!out.isEmpty()) return out;
        if (p == s) {
            long free = p + 1;
            return List.of(Finding.error("server-id", null, "both nodes have server_id " + p
                            + ": the standby discards the primary's events as its own",
                    "on " + name(o.standby()) + ": SET GLOBAL server_id = " + free + "; and server-id = " + free
                            + " in its my.cnf"));
        }
        return List.of(Finding.ok("server-id", null, "server_id " + p + " (primary) and " + s + " (standby) differ"));
    }

    static List<Finding> binaryLog(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        NodeState p = o.primary();
        if (p.reachable()) {
            out.add(p.flag("log_bin")
                    ? Finding.ok("log-bin", name(p), "binary log is on")
                    : Finding.error("log-bin", name(p), "binary log is off: nothing can replicate from this primary"
                                    + " and there is no point-in-time recovery",
                            "add log-bin = mysql-bin under [mysqld] in " + name(p)
                                    + "'s my.cnf and restart mariadbd (log_bin cannot change at runtime)"));
        }
        NodeState s = o.standby();
        if (s.reachable()) {
            if (!s.flag("log_bin")) {
                out.add(Finding.error("standby-log-bin", name(s), "binary log is off on the standby: after a failover"
                                + " it cannot serve as primary for the way back (the old primary has nothing to replicate from)",
                        "add log-bin = mysql-bin and log-slave-updates = 1 under [mysqld] in " + name(s)
                                + "'s my.cnf and restart mariadbd"));
            } else {
                out.add(Finding.ok("standby-log-bin", name(s), "binary log is on"));
                if (!s.flag("log_slave_updates")) {
                    out.add(Finding.warning("log-slave-updates", name(s), "log_slave_updates is OFF: replicated"
                                    + " transactions are not in the standby's binary log, so after a failover the old primary's"
                                    + " GTID position is missing there and it cannot replicate back without a re-seed",
                            "add log-slave-updates = 1 under [mysqld] in " + name(s) + "'s my.cnf and restart mariadbd"));
                }
            }
        }
        return out;
    }

    static List<Finding> binlogFormat(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        reachable(o).forEach(n -> {
            String format = upper(n.variable("binlog_format"));
            if ("ROW".equals(format)) {
                out.add(Finding.ok("binlog-format", name(n), "binlog_format is ROW"));
                return;
            }
            String why = "binlog_format is " + format + ": statement-based events can apply differently on the"
                    + " replica (NOW(), UUID(), LIMIT without ORDER BY, triggers) and let it diverge silently";
            String fix = "on " + name(n) + ": SET GLOBAL binlog_format = 'ROW'; and binlog-format = ROW in its my.cnf"
                    + " (open sessions keep the old format until they reconnect)";
            boolean severe = o.isPrimary(n) && "STATEMENT".equals(format);
            out.add(severe ? Finding.error("binlog-format", name(n), why, fix)
                    : Finding.warning("binlog-format", name(n), why + (o.isPrimary(n) ? "" : " after a failover"), fix));
        });
        return out;
    }

    static List<Finding> syncBinlog(VaktConfig config, Observations o) {
        return durability(o, "sync-binlog", "sync_binlog",
                "a crash can lose binary log events of committed transactions, so the replica never gets them");
    }

    static List<Finding> innodbFlush(VaktConfig config, Observations o) {
        return durability(o, "innodb-flush-log-at-trx-commit", "innodb_flush_log_at_trx_commit",
                "a crash of the host can lose up to a second of committed transactions");
    }

    /**
     * Vakt's promises (a consistent seed, a promoted standby with every acknowledged write, RPO 0 with
     * semi-sync) hold for transactional tables only. A warning, not an error: many shops still carry a
     * MyISAM table or two, and knowing is what matters.
     */
    static List<Finding> transactionalTables(VaktConfig config, Observations o) {
        List<TableEngine> tables = o.nonTransactionalTables();
        if (tables == null || o.primary() == null || !o.primary().reachable()) return List.of();
        String databases = String.join(", ", config.replication().databases());
        if (tables.isEmpty()) {
            return List.of(Finding.ok("transactional-tables", name(o.primary()), "every table in " + databases + " is InnoDB"));
        }
        int shown = Math.min(tables.size(), 10);
        String list = tables.subList(0, shown).stream().map(TableEngine::toString).collect(Collectors.joining(", "))
                + (tables.size() > shown ? " and " + (tables.size() - shown) + " more" : "");
        return List.of(Finding.warning("transactional-tables", name(o.primary()), tables.size() + " table"
                + (tables.size() == 1 ? " is" : "s are") + " not InnoDB: " + list + "; their writes are not transactional,"
                + " so the seeding dump is not consistent for them (--single-transaction covers InnoDB only), a crash or"
                + " failover can leave them half-applied, and semi-sync cannot promise an RPO of zero for them",
                "on " + name(o.primary()) + ": ALTER TABLE " + tables.get(0).name() + " ENGINE=InnoDB; and the same for each table listed"));
    }

    /** ERROR on the primary, WARNING on the standby (it becomes the primary after a failover). */
    private static List<Finding> durability(Observations o, String id, String variable, String risk) {
        List<Finding> out = new ArrayList<>();
        reachable(o).forEach(n -> {
            String value = n.variable(variable);
            if ("1".equals(value)) {
                out.add(Finding.ok(id, name(n), variable + " is 1"));
                return;
            }
            String fix = "on " + name(n) + ": SET GLOBAL " + variable + " = 1; and " + variable.replace('_', '-')
                    + " = 1 in its my.cnf";
            String message = variable + " is " + value + ": " + risk;
            out.add(o.isPrimary(n) ? Finding.error(id, name(n), message, fix)
                    : Finding.warning(id, name(n), message + " once it is the primary", fix));
        });
        return out;
    }

    static List<Finding> readOnly(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        NodeState s = o.standby();
        if (s.reachable()) {
            out.add(s.readOnly()
                    ? Finding.ok("standby-read-only", name(s), "read_only is ON")
                    : Finding.error("standby-read-only", name(s), "read_only is OFF on the standby: any write there"
                                    + " becomes an errant transaction that breaks replication and failover",
                            "on " + name(s) + ": SET GLOBAL read_only = ON; and read-only = 1 in its my.cnf"));
        }
        NodeState p = o.primary();
        if (p.reachable() && p.readOnly()) {
            out.add(Finding.warning("primary-read-only", name(p), "read_only is ON on the primary: applications"
                            + " cannot write (restarted: every node starts read-only; fenced; or left over from a"
                            + " switchover?). " + no.vakt.status.ReadOnlyPrimary.WHEN,
                    "without vakt run: start it, or if " + name(p) + " should take writes: SET GLOBAL read_only = OFF"
                            + " (keep read_only = ON in its my.cnf)"));
        }
        o.nodes().filter(NodeState::reachable).forEach(n -> readOnlyAtStart(n).ifPresent(out::add));
        return out;
    }

    /**
     * {@code read-only-at-start}: every node's server config must say read_only=ON, so a restarted node never
     * takes a write before Vakt decides (an old primary after a failover stays fenced; the rightful primary
     * is opened by vakt run). Told from where read_only's value came from (information_schema.SYSTEM_VARIABLES).
     */
    static Optional<Finding> readOnlyAtStart(NodeState n) {
        String origin = n.readOnlyOrigin();
        if (origin == null) return Optional.empty();
        String fix = "put read_only = ON under [mysqld] in " + name(n) + "'s server config (my.cnf), as on every node;"
                + " it takes effect at its next restart, and Vakt opens the primary (vakt replicate, vakt run)";
        if (origin.equals("SQL")) {
            return Optional.of(Finding.info("read-only-at-start", name(n), "read_only was set by SQL since " + name(n)
                    + " started (Vakt opening or fencing it), so whether its server config starts it read-only cannot"
                    + " be read from here: make sure its my.cnf says read_only = ON"));
        }
        if (n.readOnly()) {
            return Optional.of(Finding.ok("read-only-at-start", name(n), "its server config starts it read-only"));
        }
        return Optional.of(Finding.warning("read-only-at-start", name(n), "its server config leaves read_only OFF ("
                + origin.toLowerCase(Locale.ROOT) + "): after a restart it takes writes at once, and an old primary"
                + " restarted after a failover is a second writable primary until Vakt fences it", fix));
    }

    static List<Finding> gtidStrictMode(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        reachable(o).filter(n -> !n.flag("gtid_strict_mode")).forEach(n -> out.add(Finding.warning(
                "gtid-strict-mode", name(n), "gtid_strict_mode is OFF: out-of-order or duplicate GTIDs (such as"
                        + " errant writes) are accepted silently instead of stopping replication",
                "on " + name(n) + ": SET GLOBAL gtid_strict_mode = ON; and gtid-strict-mode = 1 in its my.cnf")));
        return out;
    }

    static List<Finding> skipNameResolve(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        reachable(o).filter(n -> !n.flag("skip_name_resolve")).forEach(n -> out.add(Finding.warning(
                "skip-name-resolve", name(n), "skip_name_resolve is OFF: every login waits for a reverse DNS lookup;"
                        + " a slow DNS server stalls all logins and looks like a dead server",
                "add skip-name-resolve = 1 under [mysqld] in " + name(n) + "'s my.cnf and restart mariadbd"
                        + " (accounts must then use IP addresses, not host names)")));
        return out;
    }

    static java.util.stream.Stream<NodeState> reachable(Observations o) {
        return o.nodes().filter(NodeState::reachable);
    }

    static String name(NodeState s) {
        return s.node().name();
    }

    private static String upper(String v) {
        return v == null ? "unknown" : v.toUpperCase(Locale.ROOT);
    }
}
