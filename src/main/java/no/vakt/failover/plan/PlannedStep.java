package no.vakt.failover.plan;

/** One step of a plan, with what it will do in this situation (for {@code --dry-run} and alerts). */
public record PlannedStep(StepName name, String description) {}
