package no.vakt.failover.plan;

/**
 * The name a step is journaled and printed under: a {@link StepName} for the steps a failover and a
 * switchover share (crash recovery reads those), or a plan's own for a step only it runs.
 */
public interface StepId {
    String name();
}
