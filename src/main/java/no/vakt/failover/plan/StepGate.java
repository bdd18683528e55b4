package no.vakt.failover.plan;

/**
 * Asked by {@link PlanExecutor} before each step: may this process run it now? With agents (docs/ha.md) the
 * answer is the coordinator's authority, and before the point of no return the epoch's compare-and-set in
 * ZooKeeper. {@link #OPEN} (a single monitor, the CLI, drills) always says go. Called on the run's thread;
 * may block within the coordinator's deadline.
 */
@FunctionalInterface
public interface StepGate {
    /** Without coordination: every step runs, as before there were agents. */
    StepGate OPEN = (step, ctx, promoted) -> Verdict.GO;

    /**
     * @param promoted the point of no return has already succeeded in this run
     * @return {@link Verdict.Go}, or {@link Verdict.Stop}: before the point of no return the run aborts safely
     *     (the plan's undo runs, as for a failed step); after it the run is left RUNNING in the journal for
     *     whoever has authority next (a new leader resumes it, or crash recovery of this journal)
     */
    Verdict beforeStep(StepId step, StepContext ctx, boolean promoted);

    /**
     * The epoch this gate compares a run's epoch with (ZooKeeper's), so a plan takes the next one above it;
     * empty when there is none (no coordination) or it cannot be read now.
     */
    default java.util.OptionalLong clusterEpoch() {
        return java.util.OptionalLong.empty();
    }

    sealed interface Verdict {
        Go GO = new Go();

        record Go() implements Verdict {}

        /** @param reason why not, for the journal and the operator (names the leader when known) */
        record Stop(String reason) implements Verdict {}
    }
}
