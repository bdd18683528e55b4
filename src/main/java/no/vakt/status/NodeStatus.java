package no.vakt.status;

import java.util.Optional;
import no.vakt.config.Node;
import no.vakt.config.Role;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;
import no.vakt.replication.SemiSyncState;
import no.vakt.roles.LiveRole;

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
        String heartbeatLagBasis,
        Long heartbeatAgeMs,
        Long secondsBehindMaster,
        String semiSync,
        String lastError) {

    /** Semi-sync of a live primary: commits wait for a standby's ack. */
    static final String SEMI_SYNC_ON = "on";
    /** Semi-sync of a live primary: enabled, but it stopped waiting for acks: asynchronous now. */
    static final String SEMI_SYNC_FALLBACK = "fallback";
    /** Semi-sync of a live standby: enabled but not in effect (it acknowledges nothing now). */
    static final String SEMI_SYNC_ENABLED = "enabled";
    static final String SEMI_SYNC_OFF = "off";

    /**
     * @param source the probe result of the configured node this one replicates from, when there is one:
     *     its heartbeat is what this node's lag is measured against
     */
    public static NodeStatus from(VaktConfig config, NodeState state, Optional<NodeState> source) {
        Node node = state.node();
        String site = config.siteOf(node).name();
        LiveRole live = LiveRole.of(state);
        boolean mismatch = live != LiveRole.UNKNOWN && !live.label().equals(node.role().label());
        if (!state.reachable()) {
            return new NodeStatus(site, node.name(), node.mysql().address(), node.role().label(), live.label(), false,
                    false, state.error(), null, null, null, null, null, null, null, null, null, null, null, null, null,
                    null, null, state.error());
        }
        Optional<ReplicaStatus> replica = state.replica();
        String from = replica.map(r -> r.masterHost() + ":" + r.masterPort()).orElse(null);
        String fromNode = replica.flatMap(r -> sourceNode(config, r)).map(Node::name).orElse(null);
        String lastError = replica.map(ReplicaStatus::lastError).filter(e -> !e.isEmpty()).orElse(null);
        // Lag is a replica's figure: on a primary (or an idle node) the age of its newest row says
        // whether a writer runs, not how far behind anything is.
        HeartbeatLag.Measured lag = live != LiveRole.STANDBY ? null
                : HeartbeatLag.of(state.heartbeatLagMs(),
                        source.filter(NodeState::reachable).map(NodeState::heartbeatLagMs).orElse(null));
        return new NodeStatus(site, node.name(), node.mysql().address(), node.role().label(), live.label(), mismatch,
                true, null, state.serverId(), state.version(), state.readOnly(),
                state.gtidCurrentPos().toString(), state.gtidBinlogPos().toString(), state.gtidSlavePos().toString(),
                from, fromNode,
                replica.map(ReplicaStatus::ioRunning).orElse(null),
                replica.map(ReplicaStatus::sqlRunning).orElse(null),
                lag == null ? null : lag.ms(),
                lag == null ? null : lag.basis().label(),
                state.heartbeatLagMs(),
                replica.map(ReplicaStatus::secondsBehindMaster).orElse(null),
                semiSync(live, SemiSyncState.of(state)),
                lastError);
    }

    /** The configured node at the replica channel's address, if any. */
    static Optional<Node> sourceNode(VaktConfig config, ReplicaStatus r) {
        return config.nodes().stream()
                .filter(n -> n.mysql().host().equals(r.masterHost()) && n.mysql().port() == r.masterPort())
                .findFirst();
    }

    /** The side of semi-sync that matters for the node's live role; null for idle and unknown nodes. */
    private static String semiSync(LiveRole live, SemiSyncState s) {
        return switch (live) {
            case PRIMARY -> !s.masterEnabled() ? SEMI_SYNC_OFF : s.masterStatusOn() ? SEMI_SYNC_ON : SEMI_SYNC_FALLBACK;
            case STANDBY -> !s.slaveEnabled() ? SEMI_SYNC_OFF : s.slaveStatusOn() ? SEMI_SYNC_ON : SEMI_SYNC_ENABLED;
            case IDLE, UNKNOWN -> null;
        };
    }

    boolean configuredAs(Role role) {
        return configuredRole.equals(role.label());
    }

    boolean liveAs(LiveRole role) {
        return liveRole.equals(role.label());
    }

    boolean lagFromAge() {
        return HeartbeatLag.Basis.AGE.label().equals(heartbeatLagBasis);
    }
}
