package no.vakt.failover.plan;

import no.vakt.journal.FailoverEnding;

/**
 * Where the step engine ({@link PlanExecutor}) records a run beyond its local journal: with agents, the
 * cluster's record in ZooKeeper, so that a new leader resumes a failover the old one started. The engine calls
 * {@link #beforeStep} once the step's start is journaled and before it acts, {@link #afterStep} once its result
 * is, and {@link #ended} once the run's end is. {@link #NONE} (a single monitor): the journal is the record.
 */
public interface StepRecorder {
    StepRecorder NONE = new StepRecorder() {};

    /** How a write to the record went. */
    enum Recorded {
        RECORDED,
        /** Not written (the service did not answer): before the point of no return the step does not run. */
        UNAVAILABLE,
        /** Refused: another agent holds the run now. This one stops at once; the holder runs the rest. */
        TAKEN_OVER
    }

    /** @param detail why it was not recorded, for the journal; null when recorded */
    record Recording(Recorded state, String detail) {
        public static final Recording RECORDED = new Recording(Recorded.RECORDED, null);
    }

    default Recording beforeStep(StepContext ctx, StepId step) {
        return Recording.RECORDED;
    }

    default Recording afterStep(StepContext ctx, StepId step, StepResult result) {
        return Recording.RECORDED;
    }

    /** The run ended as journaled (or kept to journal later); best effort: the local journal has it anyway. */
    default void ended(StepContext ctx, FailoverEnding ending, String summary) {}
}
