package no.vakt.failover.detect;

import java.time.Instant;
import no.vakt.db.NodeState;
import no.vakt.roles.LiveRoles;

/**
 * What one monitor tick saw, for observers such as the dashboard's lag history.
 *
 * @param roles the live roles the tick probed
 * @param health the detector's verdict after the tick
 * @param primaryReadOnly the primary's read_only when it answered, else null
 * @param standby the standby's full state (its {@code heartbeatLagMs} is the replication lag)
 * @param lastHeartbeatWritten when the monitor last wrote the heartbeat on the primary, null before the
 *     first: after the primary died, it bounds the data loss of a promotion approved later
 */
public record MonitorTick(Instant at, LiveRoles roles, PrimaryHealth health, PrimaryProbe primary,
        Boolean primaryReadOnly, NodeState standby, Instant lastHeartbeatWritten) {

    /** The standby's heartbeat lag in ms, null when unknown. */
    public Long lagMs() {
        return standby.reachable() ? standby.heartbeatLagMs() : null;
    }
}
