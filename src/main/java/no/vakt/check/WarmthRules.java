package no.vakt.check;

import static no.vakt.check.ServerRules.name;
import static no.vakt.check.ServerRules.reachable;

import java.util.ArrayList;
import java.util.List;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;

/**
 * Whether a node comes back warm after a restart and whether the standby can hold what the primary holds
 * (docs/warm.md). A cold node is slow, not wrong: warnings and hints, never errors.
 */
final class WarmthRules {
    /** Below this share of the pool in the dump, a restarted node reloads less than half of what was hot. */
    static final int DUMP_PCT_HINT = 50;

    private WarmthRules() {}

    /** {@code buffer-pool-dump}: the pool's page list is saved at shutdown and loaded at startup. */
    static List<Finding> dumpAndLoad(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        reachable(o).forEach(n -> {
            List<String> off = new ArrayList<>();
            for (String v : List.of("innodb_buffer_pool_dump_at_shutdown", "innodb_buffer_pool_load_at_startup")) {
                if (n.variable(v) != null && !n.flag(v)) off.add(v);
            }
            if (n.variable("innodb_buffer_pool_dump_at_shutdown") == null) return;
            out.add(off.isEmpty()
                    ? Finding.ok("buffer-pool-dump", name(n), "the buffer pool is dumped at shutdown and loaded at startup")
                    : Finding.warning("buffer-pool-dump", name(n), String.join(" and ", off) + (off.size() == 1 ? " is" : " are")
                                    + " OFF: after a restart " + name(n) + " starts with a cold buffer pool and reads"
                                    + " every hot page from disk again",
                            "on " + name(n) + ": SET GLOBAL innodb_buffer_pool_dump_at_shutdown = ON; and in its my.cnf"
                                    + " innodb-buffer-pool-dump-at-shutdown = 1, innodb-buffer-pool-load-at-startup = 1"));
        });
        return out;
    }

    /** {@code buffer-pool-size}: a standby with a smaller pool cannot hold the primary's hot set. */
    static List<Finding> poolSize(VaktConfig config, Observations o) {
        if (!o.bothReachable()) return List.of();
        Long p = bytes(o.primary());
        Long s = bytes(o.standby());
        if (p == null || s == null) return List.of();
        if (s >= p) {
            return List.of(Finding.ok("buffer-pool-size", name(o.standby()), "the standby's buffer pool ("
                    + mib(s) + ") is at least the primary's (" + mib(p) + ")"));
        }
        return List.of(Finding.warning("buffer-pool-size", name(o.standby()), "the standby's buffer pool (" + mib(s)
                        + ") is smaller than the primary's (" + mib(p) + "): after a failover the site runs with less"
                        + " cached than it needs, a cold site by design, and warming cannot make up for it",
                "on " + name(o.standby()) + ": SET GLOBAL innodb_buffer_pool_size = " + p
                        + "; and innodb-buffer-pool-size = " + mib(p).replace(" ", "") + " in its my.cnf"));
    }

    /** {@code buffer-pool-dump-pct}: how much of the pool the dump keeps. */
    static List<Finding> dumpPct(VaktConfig config, Observations o) {
        List<Finding> out = new ArrayList<>();
        reachable(o).forEach(n -> {
            String v = n.variable("innodb_buffer_pool_dump_pct");
            if (v == null) return;
            int pct = Integer.parseInt(v.trim());
            out.add(pct >= DUMP_PCT_HINT
                    ? Finding.ok("buffer-pool-dump-pct", name(n), "innodb_buffer_pool_dump_pct is " + pct)
                    : Finding.info("buffer-pool-dump-pct", name(n), "innodb_buffer_pool_dump_pct is " + pct + ": a restart"
                            + " reloads only the " + pct + " % most recently used pages; 75 to 100 brings back nearly all"
                            + " of the hot set (SET GLOBAL innodb_buffer_pool_dump_pct = 100; and the same in my.cnf)"));
        });
        return out;
    }

    private static Long bytes(NodeState n) {
        String v = n.variable("innodb_buffer_pool_size");
        return v == null ? null : Long.parseLong(v.trim());
    }

    private static String mib(long bytes) {
        return bytes / (1024 * 1024) + " MiB";
    }
}
