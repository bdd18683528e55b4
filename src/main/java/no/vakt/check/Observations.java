package no.vakt.check;

import java.util.List;
import java.util.stream.Stream;
import no.vakt.db.NodeState;

/**
 * Everything the probe gathered, so the rules are pure.
 *
 * @param primary the configured primary as inspected (standby inspected first, so the primary's GTIDs are the newer)
 * @param standby the configured standby as inspected
 * @param primaryReplicationHosts hosts of the replication account in the primary's mysql.user; null when not read
 * @param standbyReplicationHosts the same on the standby; null when not read
 * @param canary the end-to-end proof, null when not attempted
 * @param secrets one entry per distinct configured secret
 * @param traffic one entry per configured traffic entry, in order
 * @param files what the file sync probe saw; null without file sync
 */
public record Observations(
        NodeState primary,
        NodeState standby,
        List<String> primaryReplicationHosts,
        List<String> standbyReplicationHosts,
        CanaryResult canary,
        List<SecretObservation> secrets,
        List<TrafficObservation> traffic,
        no.vakt.filesync.FileSyncObservation files) {

    public Observations(NodeState primary, NodeState standby, List<String> primaryReplicationHosts,
            List<String> standbyReplicationHosts, CanaryResult canary, List<SecretObservation> secrets) {
        this(primary, standby, primaryReplicationHosts, standbyReplicationHosts, canary, secrets, List.of(), null);
    }

    public Observations {
        traffic = traffic == null ? List.of() : List.copyOf(traffic);
        primaryReplicationHosts = primaryReplicationHosts == null ? null : List.copyOf(primaryReplicationHosts);
        standbyReplicationHosts = standbyReplicationHosts == null ? null : List.copyOf(standbyReplicationHosts);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
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
