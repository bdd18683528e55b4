package no.vakt.failover.plan;

import no.vakt.journal.FailoverEnding;
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
public record ExecutionResult(long failoverId, FailoverOutcome outcome, StepId stoppedAt, String detail,
        boolean promoted, boolean trafficPending) {

    /**
     * How the summary (for people) of such a failover starts: {@code traffic pending: oslo-db -> bergen-db, epoch
     * 3; ...}. Code reads the journaled {@link FailoverEnding}, never this prefix.
     */
    public static final String TRAFFIC_PENDING_SUMMARY = "traffic pending: ";

    public ExecutionResult {
        if (trafficPending && outcome != FailoverOutcome.COMPLETED) {
            throw new IllegalArgumentException("traffic pending qualifies a completed failover");
        }
    }

    public ExecutionResult(long failoverId, FailoverOutcome outcome, StepId stoppedAt, String detail) {
        this(failoverId, outcome, stoppedAt, detail, false, false);
    }

    /** How it ended, as journaled; null while it runs (interrupted, left for crash recovery). */
    public FailoverEnding ending() {
        return switch (outcome) {
            case RUNNING -> null;
            case COMPLETED -> FailoverEnding.completed(trafficPending);
            case ABORTED -> FailoverEnding.aborted(promoted);
            case REFUSED -> FailoverEnding.REFUSED;
        };
    }

    /** The outcome label for people: {@code completed}, {@code completed, traffic pending}, {@code aborted}, ... */
    public String label() {
        FailoverEnding ending = ending();
        return ending == null ? outcome.label() : ending.forPeople();
    }

    /**
     * A traffic-pending summary without its {@link #TRAFFIC_PENDING_SUMMARY}, for text placed after the label
     * that says it already; any other summary as it is. Only shortens the text; decides nothing.
     */
    public static String afterLabel(FailoverEnding ending, String summary) {
        return ending == FailoverEnding.COMPLETED_TRAFFIC_PENDING && summary != null
                && summary.startsWith(TRAFFIC_PENDING_SUMMARY) ? summary.substring(TRAFFIC_PENDING_SUMMARY.length()) : summary;
    }
}
