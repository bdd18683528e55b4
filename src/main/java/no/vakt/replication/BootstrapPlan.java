package no.vakt.replication;

import java.util.List;

/**
 * What {@code vakt replicate} will do, decided from observations alone (see {@link BootstrapPlanner}).
 *
 * @param decision go ahead, nothing to do, or refuse
 * @param reasons why (for REFUSE: every conflict found; for NOOP: what was confirmed)
 * @param reset wipe the standby first (only with --overwrite over a conflict)
 * @param seed copy the databases from the primary; false means the standby already holds the history
 * @param seedReason why it seeds or skips seeding, for the step's line
 * @param seedDatabases the databases to copy (existing configured ones, and vakt)
 * @param missingDatabases configured databases the primary does not have yet
 * @param alignSlavePosTo set the standby's gtid_slave_pos to this first (its own binlog is ahead of it), or null
 * @param accounts the replication account on each node
 * @param warnings things the operator should know that do not stop the bootstrap
 */
public record BootstrapPlan(
        Decision decision,
        List<String> reasons,
        boolean reset,
        boolean seed,
        String seedReason,
        List<String> seedDatabases,
        List<String> missingDatabases,
        String alignSlavePosTo,
        List<AccountTask> accounts,
        List<String> warnings) {

    public enum Decision {
        PROCEED,
        NOOP,
        REFUSE
    }

    /** One replication account on one node; {@code binlogged=false} means written with sql_log_bin=0. */
    public record AccountTask(String node, AccountState observed, boolean binlogged, boolean tls) {
        public boolean upToDate() {
            return observed.upToDate(tls);
        }
    }

    public BootstrapPlan {
        reasons = List.copyOf(reasons);
        seedDatabases = List.copyOf(seedDatabases);
        missingDatabases = List.copyOf(missingDatabases);
        accounts = List.copyOf(accounts);
        warnings = List.copyOf(warnings);
    }

    public static BootstrapPlan refuse(List<String> reasons, List<String> warnings) {
        return new BootstrapPlan(Decision.REFUSE, reasons, false, false, "", List.of(), List.of(), null, List.of(),
                warnings);
    }
}
