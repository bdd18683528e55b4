package no.vakt.check;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import no.vakt.config.Node;
import no.vakt.config.SecretRef;
import no.vakt.config.VaktConfig;
import no.vakt.db.DbSession;
import no.vakt.db.Errors;
import no.vakt.db.NodeInspector;
import no.vakt.db.NodeOperations;
import no.vakt.db.NodeState;
import no.vakt.db.AdminGrants;
import no.vakt.db.ReadOnlyBypass;
import no.vakt.roles.LiveRole;
import no.vakt.roles.LiveRoles;

/**
 * The I/O side of the preflight: reads both nodes with short timeouts, settles which is the live primary
 * as the rest of Vakt does ({@link LiveRoles#settle}), reads the replication accounts and the secrets, and
 * runs the canary on the live primary. An unreachable node becomes an unreachable {@link NodeState}, never
 * an exception, so the rules still report everything else.
 */
public final class PreflightProbe {
    private final NodeInspector inspector;
    private final CanaryProbe canary;
    private final Supplier<Optional<String>> journalHolder;

    /** Without a journal: when the servers cannot tell, the config's primary is taken. */
    public PreflightProbe(NodeInspector inspector, CanaryProbe canary) {
        this(inspector, canary, Optional::empty);
    }

    /**
     * @param journalHolder the node the journal last promoted (asked only when the servers cannot tell)
     */
    public PreflightProbe(NodeInspector inspector, CanaryProbe canary, Supplier<Optional<String>> journalHolder) {
        this.inspector = inspector;
        this.canary = canary;
        this.journalHolder = journalHolder;
    }

    /**
     * @param canaryBound how long to wait for the canary on the standby; null skips the canary
     */
    public Observations observe(VaktConfig config, Duration canaryBound) {
        List<SecretObservation> secrets = secrets(config);
        // The configured standby first: usually the live one, and anything the primary commits afterwards
        // cannot look like an errant standby GTID.
        Inspected first = inspect(config, config.standby());
        Inspected second = inspect(config, config.primary());
        String holder = needsJournal(first.state, second.state) ? journalHolder.get().orElse(null) : null;
        Node live = LiveRoles.settle(second.state, second.epoch, first.state, first.epoch, holder);
        Inspected primary;
        Inspected standby;
        if (live.equals(second.state.node())) {
            primary = second;
            standby = first;
        } else {
            // Roles the other way round: the live primary was read first, so read it again after its standby.
            standby = second;
            primary = first.state.reachable() ? inspect(config, first.state.node()) : first;
        }
        CanaryResult result;
        if (canaryBound == null) {
            result = CanaryResult.skipped("--no-canary");
        } else if (!primary.state.reachable() || !standby.state.reachable()) {
            result = CanaryResult.skipped("a node is unreachable");
        } else if (LiveRole.of(primary.state) != LiveRole.PRIMARY || LiveRole.of(standby.state) == LiveRole.PRIMARY) {
            // Writing on a read-only node (the admin user may) or on one side of a split brain adds an errant transaction.
            result = CanaryResult.skipped("no single live primary to write it on");
        } else {
            result = canary.run(primary.state.node(), standby.state.node(), canaryBound);
        }
        return new Observations(primary.state, standby.state, primary.replicationHosts, standby.replicationHosts,
                result, secrets, TrafficProbe.observe(config), no.vakt.filesync.FileSyncProbe.observe(config),
                new RoleEvidence(primary.epoch, standby.epoch, holder), primary.nonTransactionalTables,
                readOnlyBypass(primary, standby), adminAccounts(primary, standby),
                config.backup().configured() ? backupTool() : null,
                config.backup().configured() ? no.vakt.backup.RepositoryProbe.probe(config.backup(), System.getenv()) : null, null);
    }

    /** mariadb-backup's --version here; empty when it is not installed or does not answer. */
    private static Optional<String> backupTool() {
        try {
            return no.vakt.backup.ToolVersion.observe();
        } catch (java.io.IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The journal breaks a tie only: when neither or both nodes are writable and replicate from nobody. */
    private static boolean needsJournal(NodeState a, NodeState b) {
        return (LiveRole.of(a) == LiveRole.PRIMARY) == (LiveRole.of(b) == LiveRole.PRIMARY);
    }

    private record Inspected(NodeState state, List<String> replicationHosts, Long epoch, List<TableEngine> nonTransactionalTables,
            List<ReadOnlyBypass.Bypass> readOnlyBypass, AdminAccount adminAccount) {}

    private static Map<String, AdminAccount> adminAccounts(Inspected... nodes) {
        Map<String, AdminAccount> out = new LinkedHashMap<>();
        for (Inspected i : nodes) {
            if (i.adminAccount != null) out.put(i.state.node().name(), i.adminAccount);
        }
        return out;
    }

    private static Map<String, List<ReadOnlyBypass.Bypass>> readOnlyBypass(Inspected... nodes) {
        Map<String, List<ReadOnlyBypass.Bypass>> out = new LinkedHashMap<>();
        for (Inspected i : nodes) {
            if (i.readOnlyBypass != null) out.put(i.state.node().name(), i.readOnlyBypass);
        }
        return out;
    }

    private Inspected inspect(VaktConfig config, Node node) {
        try (DbSession db = inspector.open(node)) {
            NodeState state = inspector.inspect(node, db).withTls(db.sessionTls());
            // Only a writable node can be the primary the rule speaks of: one information_schema query per check,
            // not one per node read. (With no writable node, the roles are the finding to fix first.)
            List<TableEngine> tables = LiveRole.of(state) == LiveRole.PRIMARY
                    ? nonTransactionalTables(db, config.replication().databases()) : null;
            return new Inspected(state, replicationHosts(db, config.replication().user()), epoch(db), tables,
                    readOnlyBypass(db), adminAccount(db));
        } catch (SQLException e) {
            return new Inspected(NodeState.unreachable(node, Errors.describe(e)), null, null, null, null, null);
        }
    }

    /** The cluster epoch this node knows (vakt.cluster); null when none was recorded or it cannot be read. */
    private static Long epoch(DbSession db) {
        try {
            long e = NodeOperations.epoch(db);
            return e == 0 ? null : e;
        } catch (SQLException e) {
            return null;
        }
    }

    /**
     * Tables of the replicated databases that InnoDB does not hold (MyISAM, Aria, MEMORY...); null when
     * information_schema cannot be read.
     */
    private static List<TableEngine> nonTransactionalTables(DbSession db, List<String> databases) {
        if (databases.isEmpty()) return List.of();
        String in = String.join(", ", java.util.Collections.nCopies(databases.size(), "?"));
        try {
            List<TableEngine> tables = new ArrayList<>();
            for (Map<String, String> row : db.rows("SELECT TABLE_SCHEMA, TABLE_NAME, ENGINE FROM information_schema.TABLES"
                    + " WHERE TABLE_TYPE = 'BASE TABLE' AND ENGINE <> 'InnoDB' AND TABLE_SCHEMA IN (" + in + ")"
                    + " ORDER BY TABLE_SCHEMA, TABLE_NAME", databases.toArray())) {
                tables.add(new TableEngine(row.get("TABLE_SCHEMA"), row.get("TABLE_NAME"), row.get("ENGINE")));
            }
            return tables;
        } catch (SQLException e) {
            return null;
        }
    }

    /** The accounts that write through read_only; null when the grants cannot be read (the rule then says nothing). */
    private static List<ReadOnlyBypass.Bypass> readOnlyBypass(DbSession db) {
        try {
            return ReadOnlyBypass.read(db);
        } catch (SQLException e) {
            return null;
        }
    }

    /** Vakt's own account and what it lacks; null when its grants cannot be read (the rule then says nothing). */
    private static AdminAccount adminAccount(DbSession db) {
        try {
            return new AdminAccount(db.scalar("SELECT CURRENT_USER()").orElse("?"), AdminGrants.missing(db));
        } catch (SQLException e) {
            return null;
        }
    }

    /** Null when the account table cannot be read (the rules then say nothing rather than guess). */
    private static List<String> replicationHosts(DbSession db, String user) {
        try {
            List<String> hosts = new ArrayList<>();
            for (Map<String, String> row : db.rows("SELECT Host FROM mysql.user WHERE User = ? ORDER BY Host", user)) {
                hosts.add(row.get("Host"));
            }
            return hosts;
        } catch (SQLException e) {
            return null;
        }
    }

    /** One observation per distinct secret; the value is read only to prove it can be, then dropped. */
    static List<SecretObservation> secrets(VaktConfig config) {
        record Use(String purpose, String node) {}
        Map<SecretRef, List<Use>> uses = new LinkedHashMap<>();
        for (Node n : config.nodes()) {
            uses.computeIfAbsent(n.mysql().secret(), r -> new ArrayList<>()).add(new Use("MySQL password of " + n.name(), n.name()));
        }
        uses.computeIfAbsent(config.replication().secret(), r -> new ArrayList<>()).add(new Use("replication password", null));
        for (int i = 0; i < config.alerts().channels().size(); i++) {
            for (var s : config.alerts().channels().get(i).secrets()) {
                uses.computeIfAbsent(s.ref(), r -> new ArrayList<>()).add(new Use(s.purpose() + " of alert channel "
                        + config.alerts().nameOf(i), null));
            }
        }
        if (config.backup().configured()) {
            // Readable by the owner only, like the passwords: either opens every backup.
            if (config.backup().encryption() != null && config.backup().encryption().passphraseFile() != null) {
                uses.computeIfAbsent(SecretRef.ofFile(config.backup().encryption().passphraseFile()), r -> new ArrayList<>())
                        .add(new Use("backup passphrase", null));
            }
            if (config.backup().repository().credentialsFile() != null) {
                uses.computeIfAbsent(SecretRef.ofFile(config.backup().repository().credentialsFile()), r -> new ArrayList<>())
                        .add(new Use("S3 credentials of the backup repository", null));
            }
        }
        List<SecretObservation> out = new ArrayList<>();
        uses.forEach((ref, list) -> {
            String unreadable = null;
            try {
                ref.resolve();
            } catch (SecretRef.SecretUnavailableException e) {
                unreadable = e.getMessage();
            }
            List<String> nodes = list.stream().map(Use::node).distinct().toList();
            String purpose = String.join(" and ", list.stream().map(Use::purpose).toList()) + " (" + ref + ")";
            out.add(new SecretObservation(purpose, nodes.size() == 1 ? nodes.get(0) : null, ref, unreadable,
                    ref.permissionProblem().orElse(null)));
        });
        return out;
    }
}
