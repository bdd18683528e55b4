package no.vakt.failover.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import no.vakt.cluster.GtidPosition;

/**
 * Estimates the data a promotion would lose, from heartbeats and GTID positions. Pure; used by the
 * planner before anything runs and again by the CHECK_DATA_LOSS step after the relay log is applied.
 *
 * <p>The time window is the gap between the newest heartbeat written on the old primary and the newest
 * one applied on the standby: every write in between is at risk. When the newest heartbeat written is
 * unknown, the planner assumes the primary wrote until now (the worst case). Relay log not yet applied
 * still counts as at risk here; the CHECK_DATA_LOSS step recomputes after applying it, so this is an
 * upper bound of what is truly lost (plus writes after the last heartbeat, at most one heartbeat period).
 *
 * <p>Before the relay log is applied (the planner, {@link #estimateBeforeApply}), what the standby has
 * <em>received</em> matters, not what it has applied: a standby whose SQL thread lags (or was stopped)
 * while its IO thread kept receiving holds every transaction in its relay log, and APPLY_RELAY_LOG applies
 * it before CHECK_DATA_LOSS. When the received position (Gtid_IO_Pos) is ahead of the applied one, the
 * applied heartbeat overstates the loss and the age of the newest received write is not observable over
 * SQL, so the time verdict is left to CHECK_DATA_LOSS, which recomputes with {@link #estimate} after the
 * apply and stops the failover before the promotion when the RPO is exceeded.
 *
 * <p>When the old primary still answers and the standby's IO thread runs, fencing first and then
 * applying everything makes the loss zero (a planned switchover); CHECK_DATA_LOSS proves it by GTID.
 */
public final class DataLossEstimator {
    private DataLossEstimator() {}

    /**
     * The planner's estimate, before APPLY_RELAY_LOG: as {@link #estimate}, except that a received but not
     * yet applied backlog defers the time verdict to CHECK_DATA_LOSS instead of refusing on the applied
     * heartbeat's age.
     */
    public static DataLossEstimate estimateBeforeApply(
            Instant now,
            Duration rpo,
            boolean oldPrimaryReachable,
            Optional<Instant> primaryLastHeartbeat,
            Optional<GtidPosition> primaryBinlogPos,
            StandbySnapshot standby) {
        DataLossEstimate applied = estimate(now, rpo, oldPrimaryReachable, primaryLastHeartbeat, primaryBinlogPos, standby);
        long backlog = standby.receivedNotApplied();
        if (applied.withinRpo() || backlog == 0 || !standby.reachable()) return applied;
        if (applied.missingTransactions() != null && !standby.receivedPos().contains(primaryBinlogPos.orElseThrow())) {
            return applied; // the old primary's position is known and the standby has not even received it
        }
        String explanation = "the standby has received " + backlog + " transaction(s) it has not applied yet (received "
                + standby.receivedPos() + ", applied " + standby.currentPos() + "): the applied heartbeat overstates the"
                + " loss, APPLY_RELAY_LOG applies the relay log and CHECK_DATA_LOSS then judges the RPO by the applied"
                + " heartbeat and GTID; before applying: " + applied.explanation();
        return new DataLossEstimate(applied.windowMs(), applied.missingTransactions(), applied.missingGtids(),
                applied.rpoMs(), true, explanation);
    }

    /** The loss with the standby as it is (CHECK_DATA_LOSS, after the relay log was applied). */
    public static DataLossEstimate estimate(
            Instant now,
            Duration rpo,
            boolean oldPrimaryReachable,
            Optional<Instant> primaryLastHeartbeat,
            Optional<GtidPosition> primaryBinlogPos,
            StandbySnapshot standby) {
        long rpoMs = rpo.toMillis();
        List<String> notes = new ArrayList<>();

        Long missing = null;
        List<String> missingGtids = List.of();
        if (primaryBinlogPos.isPresent()) {
            GtidPosition primary = primaryBinlogPos.get();
            missing = standby.currentPos().transactionsBehind(primary);
            missingGtids = primary.beyond(standby.currentPos()).stream().map(Object::toString).toList();
            notes.add(missing == 0
                    ? "the standby has every transaction of the old primary (" + primary + ")"
                    : missing + " transactions behind by GTID (old primary at " + primary + ", standby at "
                            + standby.currentPos() + ")");
        }

        Long window;
        if (oldPrimaryReachable && standby.ioThreadRunning()) {
            window = 0L;
            notes.add(0, "the old primary answers: it is fenced first and the standby then receives and applies"
                    + " everything, so no loss is expected (CHECK_DATA_LOSS verifies it)");
        } else if (standby.lastAppliedHeartbeat().isPresent()) {
            Instant applied = standby.lastAppliedHeartbeat().get();
            Instant written = primaryLastHeartbeat.orElse(now);
            window = Math.max(0, Duration.between(applied, written).toMillis());
            notes.add(0, "about " + window + " ms of writes at risk (newest heartbeat applied on the standby "
                    + applied + ", " + (primaryLastHeartbeat.isPresent()
                            ? "newest written on the old primary " + written
                            : "newest written on the old primary unknown, assumed now") + ")");
        } else {
            window = null;
            notes.add(0, "no heartbeat on the standby: the time window at risk is unknown");
        }

        boolean within;
        if (window != null) {
            within = window <= rpoMs;
        } else {
            // Without a time window only a complete GTID match proves the loss fits: unknown is not within.
            within = missing != null && missing == 0;
        }
        notes.add("RPO " + rpoMs + " ms: " + (within ? "within" : window == null && missing == null ? "cannot be verified" : "exceeded"));
        return new DataLossEstimate(window, missing, missingGtids, rpoMs, within, String.join("; ", notes));
    }
}
