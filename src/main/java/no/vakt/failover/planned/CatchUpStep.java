package no.vakt.failover.planned;

import java.time.Duration;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.plan.StepResult;

/**
 * A switchover's APPLY_RELAY_LOG: the standby must reach the fenced primary's exact position within the
 * catch-up timeout (MASTER_GTID_WAIT), or the step fails and the switchover lifts the fence. A failover's
 * apply step only waits as long as it may and leaves the verdict to the RPO.
 */
final class CatchUpStep extends SwitchoverStep {
    private final Duration timeout;

    CatchUpStep(SwitchoverState run, Duration timeout) {
        super(StepName.APPLY_RELAY_LOG, run);
        this.timeout = timeout;
    }

    @Override
    public StepResult execute(StepContext ctx) throws Exception {
        if (run.position.isEmpty()) return StepResult.ok("nothing to wait for");
        double seconds = Math.max(0.001, timeout.toMillis() / 1000.0);
        String r = run.newDb.scalar("SELECT MASTER_GTID_WAIT(?, ?)", run.position, seconds).orElse("-1");
        if (!"0".equals(r)) {
            return StepResult.failed(run.to.name() + " did not reach " + run.position + " within " + timeout.toMillis()
                    + " ms");
        }
        return StepResult.ok(run.to.name() + " reached " + run.position);
    }
}
