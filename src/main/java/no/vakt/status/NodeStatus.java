package no.vakt.status;

import java.util.Optional;
import no.vakt.config.Node;
import no.vakt.config.Role;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;

/**
 * One row of {@code vakt status}: what one node is, as seen by one probe. Field meanings are
 * documented on {@link StatusReport}, where they become JSON.
 */
public record NodeStatus(
        String site,
        String node,
        String address,
        String configuredRole,
        String liveRole,
        boolean roleMismatch,
        boolean reachable,
        String error,
        Long serverId,
        String version,
        Boolean readOnly,
        String gtidCurrentPos,
        String gtidBinlogPos,
        String gtidSlavePos,
        String replicatingFrom,
        String replicatingFromNode,
        String ioThread,
        String sqlThread,
        Long heartbeatLagMs,
        Long secondsBehindMaster,
        String lastError) {

    public static NodeStatus from(VaktConfig config, NodeState state) {
        Node node = state.node();
        String site = config.siteOf(node).name();
        LiveRole live = LiveRole.of(state);
        boolean mismatch = live != LiveRole.UNKNOWN && !live.label().equals(node.role().label());
        if (!state.reachable()) {
            return new NodeStatus(site, node.name(), node.mysql().address(), node.role().label(), live.label(), false,
                    false, state.error(), null, null, null, null, null, null, null, null, null, null, null, null,
                    state.error());
        }
        Optional<ReplicaStatus> replica = state.replica();
        String from = replica.map(r -> r.masterHost() + ":" + r.masterPort()).orElse(null);
        String fromNode = replica.flatMap(r -> config.nodes().stream()
                        .filter(n -> n.mysql().host().equals(r.masterHost()) && n.mysql().port() == r.masterPort())
                        .map(Node::name).findFirst())
                .orElse(null);
        String lastError = replica.map(ReplicaStatus::lastError).filter(e -> !e.isEmpty()).orElse(null);
        return new NodeStatus(site, node.name(), node.mysql().address(), node.role().label(), live.label(), mismatch,
                true, null, state.serverId(), state.version(), state.readOnly(),
                state.gtidCurrentPos().toString(), state.gtidBinlogPos().toString(), state.gtidSlavePos().toString(),
                from, fromNode,
                replica.map(ReplicaStatus::ioRunning).orElse(null),
                replica.map(ReplicaStatus::sqlRunning).orElse(null),
                state.heartbeatLagMs(),
                replica.map(ReplicaStatus::secondsBehindMaster).orElse(null),
                lastError);
    }

    boolean configuredAs(Role role) {
        return configuredRole.equals(role.label());
    }

    boolean liveAs(LiveRole role) {
        return liveRole.equals(role.label());
    }
}
