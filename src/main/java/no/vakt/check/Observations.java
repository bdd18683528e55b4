package no.vakt.check;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import no.vakt.db.NodeState;
import no.vakt.db.ReadOnlyBypass;

/**
 * Everything the probe gathered, so the rules are pure.
 *
 * <p>{@code primary} and {@code standby} are the live roles, read from the servers as the rest of Vakt reads
 * them ({@link no.vakt.roles.LiveRoles#settle}: the writable node that replicates from nobody; else the node
 * the other still follows; else the higher epoch, the journal's last promotion, the config), never the
 * config's {@code role:} fields: after a failover and a rejoin, or a switchover, they differ.
 *
 * @param primary the live primary as inspected (inspected after the standby, so its GTIDs are the newer)
 * @param standby the live standby as inspected
 * @param primaryReplicationHosts hosts of the replication account in the primary's mysql.user; null when not read
 * @param standbyReplicationHosts the same on the standby; null when not read
 * @param canary the end-to-end proof, null when not attempted
 * @param secrets one entry per distinct configured secret
 * @param traffic one entry per configured traffic entry, in order
 * @param files what the file sync probe saw; null without file sync
 * @param roles what besides the states settled the roles (epochs, journal); never null
 * @param nonTransactionalTables the primary's tables in the replicated databases whose engine is not InnoDB;
 *     null when not read
 * @param readOnlyBypass per node name, the unlocked accounts that can write while read_only=ON; a node is absent
 *     when they were not read
 * @param adminAccounts per node name, Vakt's own account there and what it lacks; a node is absent when not read
 * @param backupTool what {@code mariadb-backup --version} printed here, empty when it is not installed; null when
 *     not looked at (no backup: section)
 * @param backupRepository whether the backup repository took a probe file; null when not looked at
 * @param backups the repository's newest backup and archive, and the journal's last restore drill; null when not
 *     looked at (no backup: section)
 */
public record Observations(
        NodeState primary,
        NodeState standby,
        List<String> primaryReplicationHosts,
        List<String> standbyReplicationHosts,
        CanaryResult canary,
        List<SecretObservation> secrets,
        List<TrafficObservation> traffic,
        no.vakt.filesync.FileSyncObservation files,
        RoleEvidence roles,
        List<TableEngine> nonTransactionalTables,
        Map<String, List<ReadOnlyBypass.Bypass>> readOnlyBypass,
        Map<String, AdminAccount> adminAccounts,
        Optional<String> backupTool,
        no.vakt.backup.RepositoryProbe.Result backupRepository,
        no.vakt.backup.BackupObservation backups) {

    public Observations(NodeState primary, NodeState standby, List<String> primaryReplicationHosts,
            List<String> standbyReplicationHosts, CanaryResult canary, List<SecretObservation> secrets,
            List<TrafficObservation> traffic, no.vakt.filesync.FileSyncObservation files, RoleEvidence roles,
            List<TableEngine> nonTransactionalTables, Map<String, List<ReadOnlyBypass.Bypass>> readOnlyBypass,
            Map<String, AdminAccount> adminAccounts, Optional<String> backupTool) {
        this(primary, standby, primaryReplicationHosts, standbyReplicationHosts, canary, secrets, traffic, files, roles,
                nonTransactionalTables, readOnlyBypass, adminAccounts, backupTool, null, null);
    }

    /** The same with what the repository and the journal say about the backups. */
    public Observations withBackups(no.vakt.backup.BackupObservation b) {
        return new Observations(primary, standby, primaryReplicationHosts, standbyReplicationHosts, canary, secrets, traffic, files,
                roles, nonTransactionalTables, readOnlyBypass, adminAccounts, backupTool, backupRepository, b);
    }

    public Observations(NodeState primary, NodeState standby, List<String> primaryReplicationHosts,
            List<String> standbyReplicationHosts, CanaryResult canary, List<SecretObservation> secrets,
            List<TrafficObservation> traffic, no.vakt.filesync.FileSyncObservation files, RoleEvidence roles,
            List<TableEngine> nonTransactionalTables, Map<String, List<ReadOnlyBypass.Bypass>> readOnlyBypass) {
        this(primary, standby, primaryReplicationHosts, standbyReplicationHosts, canary, secrets, traffic, files, roles,
                nonTransactionalTables, readOnlyBypass, null, null);
    }

    public Observations(NodeState primary, NodeState standby, List<String> primaryReplicationHosts,
            List<String> standbyReplicationHosts, CanaryResult canary, List<SecretObservation> secrets,
            List<TrafficObservation> traffic, no.vakt.filesync.FileSyncObservation files, RoleEvidence roles,
            List<TableEngine> nonTransactionalTables) {
        this(primary, standby, primaryReplicationHosts, standbyReplicationHosts, canary, secrets, traffic, files, roles,
                nonTransactionalTables, null);
    }

    public Observations(NodeState primary, NodeState standby, List<String> primaryReplicationHosts,
            List<String> standbyReplicationHosts, CanaryResult canary, List<SecretObservation> secrets) {
        this(primary, standby, primaryReplicationHosts, standbyReplicationHosts, canary, secrets, List.of(), null);
    }

    public Observations(NodeState primary, NodeState standby, List<String> primaryReplicationHosts,
            List<String> standbyReplicationHosts, CanaryResult canary, List<SecretObservation> secrets,
            List<TrafficObservation> traffic, no.vakt.filesync.FileSyncObservation files) {
        this(primary, standby, primaryReplicationHosts, standbyReplicationHosts, canary, secrets, traffic, files,
                RoleEvidence.NONE, null);
    }

    public Observations {
        roles = roles == null ? RoleEvidence.NONE : roles;
        traffic = traffic == null ? List.of() : List.copyOf(traffic);
        primaryReplicationHosts = primaryReplicationHosts == null ? null : List.copyOf(primaryReplicationHosts);
        standbyReplicationHosts = standbyReplicationHosts == null ? null : List.copyOf(standbyReplicationHosts);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        nonTransactionalTables = nonTransactionalTables == null ? null : List.copyOf(nonTransactionalTables);
        readOnlyBypass = readOnlyBypass == null ? Map.of() : Map.copyOf(readOnlyBypass);
        adminAccounts = adminAccounts == null ? Map.of() : Map.copyOf(adminAccounts);
    }

    /** Primary then standby. */
    public Stream<NodeState> nodes() {
        return Stream.of(primary, standby);
    }

    public boolean bothReachable() {
        return primary.reachable() && standby.reachable();
    }

    public boolean isPrimary(NodeState state) {
        return state == primary;
    }
}
