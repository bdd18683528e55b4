package no.vakt.failover;

import no.vakt.journal.StepOutcome;

/** How a step ended, with a short detail for the journal (evidence, never secrets). */
public record StepResult(StepOutcome outcome, String detail) {
    public StepResult {
        if (outcome == null) throw new IllegalArgumentException("a step result needs an outcome");
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
}
