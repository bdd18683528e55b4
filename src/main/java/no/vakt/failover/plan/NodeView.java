package no.vakt.failover.plan;

import no.vakt.db.NodeState;

/**
 * One node as crash recovery and the returning-primary policy see it.
 *
 * @param writable reachable and {@code read_only=OFF}
 * @param replicating its replica IO or SQL thread runs
 * @param epoch the epoch in its {@code vakt.cluster} row, null when it has none (or is unreachable)
 */
public record NodeView(String name, boolean reachable, boolean writable, boolean replicating, Long epoch) {
    public NodeView {
        if (!reachable && (writable || replicating || epoch != null)) {
            throw new IllegalArgumentException("an unreachable node has no observed state");
        }
    }

    public static NodeView unreachable(String name) {
        return new NodeView(name, false, false, false, null);
    }

    /** From an inspection and the epoch read from its {@code vakt.cluster} (null when none). */
    public static NodeView from(NodeState s, Long epoch) {
        if (!s.reachable()) return unreachable(s.node().name());
        boolean replicating = s.replica().map(r -> r.ioThreadRunning() || r.sqlThreadRunning()).orElse(false);
        return new NodeView(s.node().name(), true, !s.readOnly(), replicating, epoch);
    }

    /** The epoch for comparisons: a node without a {@code vakt.cluster} row counts as epoch 0. */
    public long epochOrZero() {
        return epoch == null ? 0 : epoch;
    }

    /** The same node after Vakt made it read-only. */
    NodeView fenced() {
        return new NodeView(name, reachable, false, replicating, epoch);
    }
}
