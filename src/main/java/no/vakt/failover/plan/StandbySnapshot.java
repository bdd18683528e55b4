package no.vakt.failover.plan;

import java.time.Instant;
import java.util.Optional;
import no.vakt.cluster.GtidPosition;
import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;

/**
 * The standby as the planner needs it.
 *
 * @param replica SHOW SLAVE STATUS, empty when no replication is configured
 * @param currentPos its {@code gtid_current_pos}
 * @param lastAppliedHeartbeat the time stamp of the newest {@code vakt.heartbeat} row applied on it, empty
 *     when none; in the monitor's clock, which is the clock the heartbeat writer stamps rows with
 */
public record StandbySnapshot(
        String node,
        boolean reachable,
        boolean readOnly,
        Optional<ReplicaStatus> replica,
        GtidPosition currentPos,
        Optional<Instant> lastAppliedHeartbeat) {

    public StandbySnapshot {
        replica = replica != null ? replica : Optional.empty();
        currentPos = currentPos != null ? currentPos : GtidPosition.EMPTY;
        lastAppliedHeartbeat = lastAppliedHeartbeat != null ? lastAppliedHeartbeat : Optional.empty();
    }

    public static StandbySnapshot unreachable(String node) {
        return new StandbySnapshot(node, false, false, Optional.empty(), GtidPosition.EMPTY, Optional.empty());
    }

    /** From an inspection taken at {@code observedAt}: the heartbeat lag becomes an absolute time stamp. */
    public static StandbySnapshot from(NodeState s, Instant observedAt) {
        if (!s.reachable()) return unreachable(s.node().name());
        Optional<Instant> hb = s.heartbeatLagMs() == null
                ? Optional.empty()
                : Optional.of(observedAt.minusMillis(s.heartbeatLagMs()));
        return new StandbySnapshot(s.node().name(), true, s.readOnly(), s.replica(), s.gtidCurrentPos(), hb);
    }

    /** What the IO thread has received (Gtid_IO_Pos), empty when unknown. */
    public GtidPosition receivedPos() {
        return replica.map(ReplicaStatus::gtidIoPos).orElse(GtidPosition.EMPTY);
    }

    /** Transactions received into the relay log but not applied yet. */
    public long receivedNotApplied() {
        return currentPos.transactionsBehind(receivedPos());
    }

    public boolean ioThreadRunning() {
        return replica.map(ReplicaStatus::ioThreadRunning).orElse(false);
    }
}
