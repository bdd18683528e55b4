package no.vakt.failover.plan;

/**
 * One named step of a plan run by {@link PlanExecutor} (a failover's promotion, a switchover).
 * Implementations must be safe to run again after a crash (crash recovery resumes from the interrupted
 * step) and must bound their own time (for example {@code max-apply-wait}). Throwing counts as a
 * failure; the message goes to the journal, so it must not contain secrets.
 */
public interface FailoverStep {
    /** The name its journal row and printed line carry; the failover's steps return their {@link StepName}. */
    StepId name();

    StepResult execute(StepContext context) throws Exception;
}
