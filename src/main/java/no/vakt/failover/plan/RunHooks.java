package no.vakt.failover.plan;

/**
 * What a plan adds around the engine's rules ({@link PlanExecutor}): the lines it prints per step, the
 * undo of a run stopped before the point of no return, and the words of its journaled summary. Every
 * method has the failover's behaviour as its default: print nothing, undo nothing.
 */
public interface RunHooks {
    /** A failover's: prints nothing, undoes nothing. */
    RunHooks NONE = new RunHooks() {};

    /** {@code step} did not run: its start could not be journaled ({@code problem}). */
    default void notRun(StepId step, String problem) {}

    /** {@code step} ended; {@code journaled} false: its end is kept and written once the journal takes writes. */
    default void ended(StepId step, StepResult result, boolean journaled) {}

    /** {@code step} was interrupted; the run is left running for crash recovery. */
    default void interrupted(StepId step) {}

    /**
     * The run stopped before the point of no return: undo what its steps did (a switchover lifts its fence).
     *
     * @param pointOfNoReturnTried the point-of-no-return step itself ran and failed, so it may have half acted
     * @return what the undo did, for the summary; blank when there was nothing to undo
     */
    default String undo(boolean pointOfNoReturnTried) {
        return "";
    }

    /** What a completed run changed, the start of its summary. */
    default String changed(StepContext ctx) {
        return ctx.fromNode() + " -> " + ctx.toNode() + ", epoch " + ctx.newEpoch();
    }

    /** What is left for a person after a step failed past the point of no return; blank when nothing. */
    default String leftToDo(StepContext ctx) {
        return "";
    }
}
