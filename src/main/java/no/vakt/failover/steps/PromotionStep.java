package no.vakt.failover.steps;

import no.vakt.failover.plan.NamedStep;
import no.vakt.failover.plan.StepName;

/**
 * What the promotion steps that talk to the nodes share: the nodes by the names in the step's context, and
 * what this run knows about the old primary's reachability (one {@link OldPrimaryReachability} per run,
 * shared by its steps, see {@link PromotionSteps}).
 */
abstract class PromotionStep extends NamedStep<StepName> {
    final StepNodes nodes;
    final OldPrimaryReachability known;

    PromotionStep(StepName name, StepNodes nodes, OldPrimaryReachability known) {
        super(name);
        this.nodes = nodes;
        this.known = known;
    }

    /** A step of its own run: it knows nothing of the old primary and asks it with the full timeout. */
    PromotionStep(StepName name, StepNodes nodes) {
        this(name, nodes, OldPrimaryReachability.unknown(nodes));
    }

}
