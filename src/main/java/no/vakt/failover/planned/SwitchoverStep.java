package no.vakt.failover.planned;

import no.vakt.failover.plan.NamedStep;
import no.vakt.failover.plan.StepId;

/**
 * A switchover's own step: it works on the open sessions and the findings of this switchover
 * ({@link SwitchoverState}), which the steps before it filled in.
 */
abstract class SwitchoverStep extends NamedStep<StepId> {
    final SwitchoverState run;

    SwitchoverStep(StepId name, SwitchoverState run) {
        super(name);
        this.run = run;
    }
}
