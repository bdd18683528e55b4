package no.vakt.roles;

import no.vakt.config.Node;
import no.vakt.db.NodeState;

/**
 * Which node is the primary right now, read from the servers (writable and replicating from nobody),
 * not from the config: after a failover the config's roles are stale.
 */
public record LiveRoles(Node primary, Node standby) {
    @Override
    public String toString() {
        return "primary " + primary.name() + ", standby " + standby.name();
    }

    /**
     * Settles which of two observed nodes is the primary. In order: the only writable node that
     * replicates from nobody; of two such, the higher epoch; else the other side of the only node that
     * replicates (a dead primary answers nothing, its standby still points at it); else the node the
     * journal last promoted ({@code epochHolder}); else {@code a}, the config's primary. Pure.
     */
    public static Node settle(NodeState a, Long epochA, NodeState b, Long epochB, String epochHolder) {
        LiveRole ra = LiveRole.of(a);
        LiveRole rb = LiveRole.of(b);
        if (ra == LiveRole.PRIMARY && rb != LiveRole.PRIMARY) return a.node();
        if (rb == LiveRole.PRIMARY && ra != LiveRole.PRIMARY) return b.node();
        if (ra == LiveRole.PRIMARY) {
            long ea = epochA == null ? 0 : epochA;
            long eb = epochB == null ? 0 : epochB;
            if (ea != eb) return ea > eb ? a.node() : b.node();
        } else {
            if (ra == LiveRole.STANDBY && rb != LiveRole.STANDBY) return b.node();
            if (rb == LiveRole.STANDBY && ra != LiveRole.STANDBY) return a.node();
        }
        if (epochHolder != null && epochHolder.equals(b.node().name())) return b.node();
        return a.node();
    }
}
