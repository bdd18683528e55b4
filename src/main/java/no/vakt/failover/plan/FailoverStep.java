package no.vakt.failover.plan;

/**
 * One named step of a promotion. Implementations must be safe to run again after a crash (crash
 * recovery resumes from the interrupted step) and must bound their own time (for example
 * {@code max-apply-wait}). Throwing counts as a failure; the message goes to the journal, so it must
 * not contain secrets.
 */
public interface FailoverStep {
    StepName name();

    StepResult execute(StepContext context) throws Exception;
}
