package no.vakt.failover.planned;

import no.vakt.cluster.GtidPosition;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.plan.StepResult;

/**
 * A switchover's CHECK_DATA_LOSS: zero loss, proven: the standby's gtid_slave_pos must contain the fenced
 * primary's whole position. A failover's check weighs an estimate against the RPO instead.
 */
final class ZeroLossCheckStep extends SwitchoverStep {

    ZeroLossCheckStep(SwitchoverState run) {
        super(StepName.CHECK_DATA_LOSS, run);
    }

    @Override
    public StepResult execute(StepContext ctx) throws Exception {
        GtidPosition applied = GtidPosition.parse(run.newDb.scalar("SELECT @@GLOBAL.gtid_slave_pos").orElse(""));
        GtidPosition old = GtidPosition.parse(run.position);
        if (!applied.contains(old)) {
            return StepResult.failed(run.to.name() + "'s gtid_slave_pos " + applied + " lacks " + old.beyond(applied));
        }
        return StepResult.ok("0 transactions lost (" + run.to.name() + " applied " + applied + ")");
    }
}
