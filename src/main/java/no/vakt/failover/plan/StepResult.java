package no.vakt.failover.plan;

import no.vakt.journal.StepOutcome;

/**
 * How a step ended, with a short detail for the journal (evidence, never secrets).
 *
 * @param trafficPending only for HANDOVER: the step did its part for the cluster (file sync follows the new
 *     primary) but the traffic switch failed. The step is journaled as failed, yet the failover goes on and
 *     completes with traffic pending: a failed switch never undoes a promotion (see {@link PlanExecutor})
 */
public record StepResult(StepOutcome outcome, String detail, boolean trafficPending) {
    public StepResult {
        if (outcome == null) throw new IllegalArgumentException("a step result needs an outcome");
        if (trafficPending && outcome != StepOutcome.FAILED) {
            throw new IllegalArgumentException("traffic pending is a failure of the traffic switch");
        }
    }

    public StepResult(StepOutcome outcome, String detail) {
        this(outcome, detail, false);
    }

    public static StepResult ok(String detail) {
        return new StepResult(StepOutcome.OK, detail);
    }

    public static StepResult skipped(String detail) {
        return new StepResult(StepOutcome.SKIPPED, detail);
    }

    public static StepResult failed(String detail) {
        return new StepResult(StepOutcome.FAILED, detail);
    }

    /** HANDOVER switched file sync but not traffic: journaled as failed, the failover completes, traffic pending. */
    public static StepResult trafficPending(String detail) {
        return new StepResult(StepOutcome.FAILED, detail, true);
    }
}
