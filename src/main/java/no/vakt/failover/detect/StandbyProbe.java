package no.vakt.failover.detect;

import no.vakt.db.NodeState;
import no.vakt.db.ReplicaStatus;

/**
 * What the standby says about the primary, from one probe of the standby.
 *
 * @param reachable whether the monitor reached the standby at all; when false only {@code error} is set
 * @param ioThread the replica IO thread ({@code Slave_IO_Running})
 * @param lastIoError {@code Last_IO_Error}, empty when none
 * @param heartbeatLagMs age of the newest {@code vakt.heartbeat} row applied on the standby; evidence
 *     only (see {@link Detector}: the monitor writes that row, so its age cannot confirm anything)
 * @param receiveAgeMs how long ago the IO thread last received anything from the primary (a binlog
 *     event or a replication heartbeat event), null when unknown. The caller measures it, for example
 *     by noting when {@code Slave_received_heartbeats} or the IO thread's read position last changed.
 * @param heartbeatPeriod the standby's {@code Slave_heartbeat_period} (MASTER_HEARTBEAT_PERIOD), null when
 *     unknown: how often a live primary sends something at the least, which sets how soon silence counts
 *     ({@link DetectorConfig#standbyBound(java.time.Duration)})
 */
public record StandbyProbe(
        boolean reachable,
        String error,
        IoThreadState ioThread,
        String lastIoError,
        Long heartbeatLagMs,
        Long receiveAgeMs,
        java.time.Duration heartbeatPeriod) {

    public StandbyProbe {
        ioThread = ioThread != null ? ioThread : IoThreadState.NO;
        lastIoError = lastIoError != null ? lastIoError : "";
    }

    public static StandbyProbe unreachable(String error) {
        return new StandbyProbe(false, error == null || error.isBlank() ? "no answer" : error,
                IoThreadState.NO, "", null, null, null);
    }

    public static StandbyProbe reachable(IoThreadState io, String lastIoError, Long heartbeatLagMs, Long receiveAgeMs) {
        return new StandbyProbe(true, null, io, lastIoError, heartbeatLagMs, receiveAgeMs, null);
    }

    /** The same probe, with the standby's replication heartbeat period known. */
    public StandbyProbe withHeartbeatPeriod(java.time.Duration period) {
        return new StandbyProbe(reachable, error, ioThread, lastIoError, heartbeatLagMs, receiveAgeMs, period);
    }

    /** From an inspection of the standby, plus the receive age the caller tracks across probes. */
    public static StandbyProbe from(NodeState state, Long receiveAgeMs) {
        if (!state.reachable()) return unreachable(state.error());
        IoThreadState io = state.replica().map(r -> IoThreadState.parse(r.ioRunning())).orElse(IoThreadState.NO);
        String err = state.replica().map(ReplicaStatus::lastIoError).orElse("");
        return reachable(io, err, state.heartbeatLagMs(), receiveAgeMs);
    }
}
