package no.vakt.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import no.vakt.cluster.GtidPosition.Gtid;
import no.vakt.cluster.GtidPosition;
import no.vakt.config.Node;
import no.vakt.config.Replication;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;
import no.vakt.db.VaktSchema;

/**
 * Decides what {@code vakt replicate} does, from what was observed on both nodes and the config only:
 * refuse, do nothing, or go ahead (and then whether to seed). No I/O, so every case is unit-tested.
 */
public final class BootstrapPlanner {
    private BootstrapPlanner() {}

    public static BootstrapPlan plan(VaktConfig config, Observation o, boolean overwrite) {
        Node primary = config.primary();
        Node standby = config.standby();
        Replication repl = config.replication();
        boolean tls = repl.tls().enabled();
        List<String> warnings = warnings(config, o);

        List<String> blockers = blockers(config, o);
        if (!blockers.isEmpty()) return BootstrapPlan.refuse(blockers, warnings);

        // --overwrite is the operator's word: wipe and copy again, whatever the standby holds.
        List<String> reseed = reseedReasons(config, o);
        if (!conflicts(config, o).isEmpty() && !overwrite) return BootstrapPlan.refuse(reseed, warnings);
        boolean reset = overwrite;

        List<BootstrapPlan.AccountTask> accounts = List.of(
                new BootstrapPlan.AccountTask(primary.name(), o.primaryAccount(), true, tls),
                new BootstrapPlan.AccountTask(standby.name(), o.standbyAccount(), false, tls));
        List<String> seedDatabases = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String db : repl.databases()) {
            (o.primaryDatabases().contains(db) ? seedDatabases : missing).add(db);
        }
        seedDatabases.add(VaktSchema.NAME);

        if (!reset && replicatingAsConfigured(config, o) && accounts.stream().allMatch(BootstrapPlan.AccountTask::upToDate)
                && o.standby().readOnly() && o.primaryHasVaktSchema()) {
            ReplicaStatus r = o.standby().replica().orElseThrow();
            List<String> reasons = List.of(
                    "already replicating from " + primary.name() + " (" + r.masterHost() + ":" + r.masterPort() + ") as "
                            + repl.user() + ", IO and SQL threads running",
                    "GTID history " + orNone(o.standbyPosition()) + " contained in the primary's "
                            + orNone(o.primary().gtidBinlogPos()),
                    "accounts " + accountLabels(accounts) + " up to date, " + standby.name() + " read_only=ON");
            return new BootstrapPlan(BootstrapPlan.Decision.NOOP, reasons, false, false, "", seedDatabases, missing, null,
                    accounts, warnings);
        }

        // Checked after the no-op: a standby that replicates is left alone, but a new CHANGE MASTER asks
        // the primary for its position again, and that fails when the logs are gone.
        if (!reseed.isEmpty() && !overwrite) return BootstrapPlan.refuse(reseed, warnings);

        GtidPosition standbyPos = o.standbyPosition();
        boolean seed = reset || standbyPos.isEmpty();
        String seedReason;
        String align = null;
        if (reset) {
            seedReason = "--overwrite: " + standby.name() + " is wiped and copied again from " + primary.name();
        } else if (seed) {
            seedReason = standby.name() + " has no GTID history";
        } else {
            long behind = standbyPos.transactionsBehind(o.primary().gtidBinlogPos());
            seedReason = "skipped, standby already holds " + standbyPos
                    + (behind == 0 ? " (up to date)" : " (" + behind + " transaction" + (behind == 1 ? "" : "s") + " behind)");
            // After a failback the standby's own writes are in its binlog but not in gtid_slave_pos:
            // start from its whole history or it would ask the primary for transactions it already has.
            if (!standbyPos.equals(o.standby().gtidSlavePos())) align = standbyPos.toString();
        }
        List<String> reasons = !reset ? List.of() : !reseed.isEmpty() ? reseed
                : List.of("as asked, " + standby.name() + "'s copies of " + String.join(", ", seedDatabases)
                        + ", its binary log and its GTID history are wiped and copied again from " + primary.name());
        return new BootstrapPlan(BootstrapPlan.Decision.PROCEED, reasons, reset, seed, seedReason,
                seedDatabases, missing, align, accounts, warnings);
    }

    /**
     * Why the standby cannot simply follow the primary and has to be copied again, which only
     * --overwrite may do: its own history or data (it would be lost), or a position the primary's
     * binary logs no longer reach.
     */
    public static List<String> reseedReasons(VaktConfig config, Observation o) {
        if (!blockers(config, o).isEmpty()) return List.of();
        List<String> out = new ArrayList<>(conflicts(config, o));
        out.addAll(purged(config, o));
        return out;
    }

    /**
     * The standby's position is older than the primary's oldest binary log: the transactions in
     * between were purged (PURGE BINARY LOGS, expire_logs_days), so START SLAVE would only fail with
     * error 1236. Found before anything is changed, so nothing is.
     */
    static List<String> purged(VaktConfig config, Observation o) {
        List<Gtid> purged = o.purgedForStandby();
        if (purged.isEmpty()) return List.of();
        String primary = config.primary().name();
        String standby = config.standby().name();
        Observation.OldestBinlog oldest = o.primaryOldestBinlog();
        return List.of(standby + " is at " + orNone(o.standbyPosition()) + " but " + primary + "'s oldest binary log "
                + oldest.file() + " starts after " + oldest.startsAfter() + ": the transactions in between were"
                + " purged from " + primary + "'s binary logs, so " + standby + " cannot catch up by replication and"
                + " must be copied again");
    }

    /** Problems --overwrite cannot fix. */
    static List<String> blockers(VaktConfig config, Observation o) {
        Node primary = config.primary();
        Node standby = config.standby();
        NodeState p = o.primary();
        NodeState s = o.standby();
        List<String> out = new ArrayList<>();
        // GDPR Art. 32 / data sovereignty: never copy the data to a node outside the allowed countries.
        java.util.Set<String> allowed = no.vakt.config.Jurisdictions.expand(config.policy().jurisdictions());
        for (Node n : List.of(primary, standby)) {
            String country = config.countryOf(n);
            if (!allowed.contains(country)) {
                out.add(n.name() + " is in " + country + ", outside policy.jurisdictions " + config.policy().jurisdictions()
                        + ": Vakt will not copy data there; move the node or change the policy");
            }
        }
        if (!out.isEmpty()) return out;
        if (!p.reachable()) out.add("cannot reach " + primary.name() + " (" + primary.mysql().address() + "): " + p.error());
        if (!s.reachable()) out.add("cannot reach " + standby.name() + " (" + standby.mysql().address() + "): " + s.error());
        if (!out.isEmpty()) return out;
        if (!p.flag("log_bin")) {
            out.add(primary.name() + " has no binary log (log_bin=OFF): a standby replicates from the binary log;"
                    + " set log-bin in its my.cnf and restart it");
        }
        if (p.serverId() == s.serverId()) {
            out.add("both nodes have server_id " + p.serverId() + ": give each a unique server-id in its my.cnf");
        }
        if (p.replica().map(r -> pointsAt(r, standby)).orElse(false)) {
            out.add(primary.name() + " replicates from " + standby.name()
                    + ": the roles in the config look swapped (after a failover, update vakt.yml first)");
        }
        return out;
    }

    /** The standby has history or data the primary lacks: re-seeding would lose it, so only --overwrite may. */
    static List<String> conflicts(VaktConfig config, Observation o) {
        String primary = config.primary().name();
        String standby = config.standby().name();
        List<String> out = new ArrayList<>();
        List<Gtid> errant = o.errantGtids();
        if (!errant.isEmpty()) {
            out.add(standby + " has transactions " + primary + " lacks (GTIDs "
                    + errant.stream().map(Gtid::toString).collect(Collectors.joining(",")) + " vs " + primary
                    + "'s " + orNone(o.primary().gtidBinlogPos()) + "): they were written on " + standby
                    + " directly and would be lost");
        }
        if (o.standbyPosition().isEmpty()) {
            List<String> withTables = o.standbyTables().entrySet().stream()
                    .filter(e -> e.getValue() > 0)
                    .map(e -> e.getKey() + " (" + e.getValue() + " table" + (e.getValue() == 1 ? "" : "s") + ")")
                    .sorted()
                    .toList();
            if (!withTables.isEmpty()) {
                out.add(standby + " already has data in " + String.join(", ", withTables)
                        + " but no GTID history: it did not come from " + primary + " and seeding would overwrite it");
            }
        }
        return out;
    }

    static boolean replicatingAsConfigured(VaktConfig config, Observation o) {
        Optional<ReplicaStatus> replica = o.standby().replica();
        if (replica.isEmpty()) return false;
        ReplicaStatus r = replica.get();
        return pointsAt(r, config.primary())
                && r.ioThreadRunning() && r.sqlThreadRunning()
                && "Slave_Pos".equalsIgnoreCase(r.usingGtid())
                && config.replication().user().equals(o.standbyMasterUser())
                && r.sslAllowed() == config.replication().tls().enabled();
    }

    private static boolean pointsAt(ReplicaStatus r, Node node) {
        return r.masterHost().equalsIgnoreCase(node.mysql().host()) && r.masterPort() == node.mysql().port();
    }

    private static List<String> warnings(VaktConfig config, Observation o) {
        List<String> out = new ArrayList<>();
        Node primary = config.primary();
        // A read-only primary is no warning: every node starts so, and the last step (open-primary) opens it.
        List<String> unlisted = o.primaryDatabases().stream()
                .filter(db -> !config.replication().databases().contains(db))
                .sorted()
                .toList();
        if (!unlisted.isEmpty()) {
            out.add(primary.name() + " also has " + String.join(", ", unlisted) + ", not in replication.databases:"
                    + " they are not copied, yet their later changes replicate and would stop the standby's SQL thread");
        }
        var tls = config.replication().tls();
        if (tls.enabled() && !tls.verifyServerCert()) {
            out.add("replication.tls does not verify " + primary.name() + "'s certificate (no ca, or verify-server-cert:"
                    + " false): the channel is encrypted but not authenticated");
        }
        return out;
    }

    private static String accountLabels(List<BootstrapPlan.AccountTask> accounts) {
        return accounts.stream().map(a -> a.observed().label() + " on " + a.node()).collect(Collectors.joining(" and "));
    }

    private static String orNone(GtidPosition p) {
        return p.isEmpty() ? "(empty)" : p.toString();
    }
}
