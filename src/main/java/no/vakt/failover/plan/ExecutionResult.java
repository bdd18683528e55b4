package no.vakt.failover.plan;

import no.vakt.journal.FailoverOutcome;

/**
 * How a run of the plan ended.
 *
 * @param outcome COMPLETED, ABORTED (a step failed), or RUNNING (interrupted: left for crash recovery)
 * @param stoppedAt the (first) step that failed or was interrupted, null when completed (traffic pending
 *     included). A step that fails before the promotion stops the run there; after PROMOTE_STANDBY the
 *     later steps still run, and this names the first that failed other than by its traffic switch
 * @param promoted the standby was promoted in this failover (PROMOTE_STANDBY finished, in this run or before
 *     a crash): from then on every remaining step runs whatever failed before it
 * @param trafficPending the failover completed, but the traffic switch failed: "completed, traffic pending"
 */
public record ExecutionResult(long failoverId, FailoverOutcome outcome, StepName stoppedAt, String detail,
        boolean promoted, boolean trafficPending) {

    /** The outcome label for people: {@code completed}, {@code completed, traffic pending}, {@code aborted}, ... */
    public static final String TRAFFIC_PENDING = "completed, traffic pending";
    /**
     * How the journal's summary of such a failover starts (its journaled outcome is {@code completed}):
     * {@code traffic pending: oslo-db -> bergen-db, epoch 3; ...}.
     */
    public static final String TRAFFIC_PENDING_SUMMARY = "traffic pending: ";

    public ExecutionResult {
        if (trafficPending && outcome != FailoverOutcome.COMPLETED) {
            throw new IllegalArgumentException("traffic pending qualifies a completed failover");
        }
    }

    public ExecutionResult(long failoverId, FailoverOutcome outcome, StepName stoppedAt, String detail) {
        this(failoverId, outcome, stoppedAt, detail, false, false);
    }

    public String label() {
        return trafficPending ? TRAFFIC_PENDING : outcome.label();
    }

    /** Whether a journaled ending (its outcome, its summary) is "completed, traffic pending". */
    public static boolean trafficPending(FailoverOutcome outcome, String summary) {
        return outcome == FailoverOutcome.COMPLETED && summary != null && summary.startsWith(TRAFFIC_PENDING_SUMMARY);
    }

    /** The summary without its {@link #TRAFFIC_PENDING_SUMMARY} prefix, where the label says it already. */
    public static String withoutTrafficPendingPrefix(String summary) {
        return summary != null && summary.startsWith(TRAFFIC_PENDING_SUMMARY)
                ? summary.substring(TRAFFIC_PENDING_SUMMARY.length()) : summary;
    }
}
