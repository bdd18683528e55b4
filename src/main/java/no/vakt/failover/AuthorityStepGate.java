package no.vakt.failover;

import java.util.OptionalLong;
import no.vakt.coordination.Coordinator;
import no.vakt.coordination.CoordinatorStatus;
import no.vakt.coordination.EpochUpdate;
import no.vakt.coordination.ZooKeeperRuns;
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
        if (now.getAsLong() == ctx.newEpoch() && movedByThisRun(s.agent(), ctx)) return Verdict.GO;
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

    /**
     * Whether the epoch in ZooKeeper is at this run's because this run moved it: the agent that held the run died
     * (or lost the answer) between the compare-and-set and the promotion, and this agent adopted the run. The
     * cluster's record says so: it is running, held by this agent under this journal id, at this epoch. Another
     * run could not have moved the epoch to this value: a run begins only when none is running, and it plans
     * above the epoch in ZooKeeper. (Two adopters cannot both pass: the step's record is a compare-and-set too.)
     */
    private boolean movedByThisRun(String agent, StepContext ctx) {
        try {
            return coordinator.runs().flatMap(ZooKeeperRuns::current).map(ZooKeeperRuns.Versioned::run)
                    .filter(r -> r.running() && agent.equals(r.agent()) && r.localId(agent) == ctx.failoverId()
                            && r.epoch() == ctx.newEpoch()).isPresent();
        } catch (ZooKeeperRuns.Unavailable e) {
            return false;
        }
    }

    @Override
    public OptionalLong clusterEpoch() {
        return coordinator.epoch();
    }
}
