package no.vakt.failover;

import java.util.OptionalLong;
import no.vakt.coordination.Coordinator;
import no.vakt.coordination.CoordinatorStatus;
import no.vakt.coordination.EpochUpdate;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepGate;
import no.vakt.failover.plan.StepId;
import no.vakt.failover.plan.StepName;

/**
 * The step gate of an agent (docs/ha.md): every step runs only while this agent has authority, and the
 * promotion only after this run's epoch is set in ZooKeeper by compare-and-set from the value there now.
 * So of two agents that both believe they lead, at most one promotes for a given epoch, and an agent whose
 * plan is based on an epoch another one already passed stops before anything irreversible.
 */
final class AuthorityStepGate implements StepGate {
    private final Coordinator coordinator;

    AuthorityStepGate(Coordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public Verdict beforeStep(StepId step, StepContext ctx, boolean promoted) {
        CoordinatorStatus s = coordinator.status();
        if (!s.authority()) return new Verdict.Stop("agent " + s.agent() + " has no authority: " + s.reason());
        if (promoted || !step.name().equals(StepName.PROMOTE_STANDBY.name())) return Verdict.GO;
        OptionalLong now = coordinator.epoch();
        if (now.isEmpty()) return new Verdict.Stop("the epoch in ZooKeeper cannot be read: no promotion without it");
        if (now.getAsLong() >= ctx.newEpoch()) {
            return new Verdict.Stop("the epoch in ZooKeeper is " + now.getAsLong() + ", not below this run's "
                    + ctx.newEpoch() + ": another agent moved it");
        }
        EpochUpdate u = coordinator.advanceEpoch(now.getAsLong(), ctx.newEpoch());
        if (u instanceof EpochUpdate.Refused r) {
            return new Verdict.Stop("the epoch in ZooKeeper moved from " + r.expected() + " to " + r.actual()
                    + " meanwhile: another agent acts");
        }
        if (u instanceof EpochUpdate.Unavailable n) {
            return new Verdict.Stop("the epoch could not be advanced in ZooKeeper: " + n.why());
        }
        return Verdict.GO;
    }

    @Override
    public OptionalLong clusterEpoch() {
        return coordinator.epoch();
    }
}
