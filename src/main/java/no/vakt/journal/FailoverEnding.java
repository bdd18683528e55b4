package no.vakt.journal;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How a failover or switchover ended, journaled in its own column ({@code failovers.ending}) next to the
 * coarser {@link FailoverOutcome}: code reads this value, never the summary text written for people.
 * Null while it runs.
 */
public enum FailoverEnding {
    /** The standby is the primary with the new epoch, and traffic points at it. */
    COMPLETED(FailoverOutcome.COMPLETED, "completed"),
    /** Promoted with the new epoch, but the traffic switch failed: users may still be sent to the old primary. */
    COMPLETED_TRAFFIC_PENDING(FailoverOutcome.COMPLETED, "completed, traffic pending"),
    /** Stopped before the promotion: nothing irreversible happened. */
    ABORTED_BEFORE_PROMOTION(FailoverOutcome.ABORTED, "aborted"),
    /** The standby was promoted (past the point of no return), but a later step failed: finish by hand. */
    ABORTED_AFTER_PROMOTION(FailoverOutcome.ABORTED, "aborted"),
    /** Planned but not started: a rule forbade it. */
    REFUSED(FailoverOutcome.REFUSED, "refused");

    private final FailoverOutcome outcome;
    private final String forPeople;

    FailoverEnding(FailoverOutcome outcome, String forPeople) {
        this.outcome = outcome;
        this.forPeople = forPeople;
    }

    /** The coarser outcome journaled with it (the {@code outcome} column). */
    public FailoverOutcome outcome() {
        return outcome;
    }

    /** The words {@code vakt history}, the API's {@code label} and the dashboard show. */
    public String forPeople() {
        return forPeople;
    }

    public static FailoverEnding completed(boolean trafficPending) {
        return trafficPending ? COMPLETED_TRAFFIC_PENDING : COMPLETED;
    }

    public static FailoverEnding aborted(boolean promoted) {
        return promoted ? ABORTED_AFTER_PROMOTION : ABORTED_BEFORE_PROMOTION;
    }

    /** The standby was promoted: it is the primary now (whatever failed after). */
    public boolean promoted() {
        return this == COMPLETED || this == COMPLETED_TRAFFIC_PENDING || this == ABORTED_AFTER_PROMOTION;
    }

    public boolean trafficPending() {
        return this == COMPLETED_TRAFFIC_PENDING;
    }

    /** The journal's word: {@code completed_traffic_pending}, ... */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FailoverEnding fromLabel(String label) {
        return Labels.from(FailoverEnding.class, FailoverEnding::label, label, "failover ending");
    }
}
