package no.vakt.failover;

import no.vakt.journal.FailoverOutcome;

/**
 * How a run of the plan ended.
 *
 * @param outcome COMPLETED, ABORTED (a step failed), or RUNNING (interrupted: left for crash recovery)
 * @param stoppedAt the step that failed or was interrupted, null when completed
 */
public record ExecutionResult(long failoverId, FailoverOutcome outcome, StepName stoppedAt, String detail) {}
