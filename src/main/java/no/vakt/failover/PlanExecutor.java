package no.vakt.failover;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.journal.StepOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the steps of a failover in order, journaling each one's start before it runs and its end after,
 * and stops at the first failure (the failover is then journaled as aborted, naming the step). Because
 * the start is durable before the step acts, a kill -9 at any point leaves a journal that
 * {@link RecoveryPlanner} can settle.
 *
 * <p>An interrupted thread (an orderly shutdown in the middle of a failover) is treated like a crash:
 * the step is journaled as failed with "interrupted", the failover stays running for recovery on the
 * next start, and the interrupt flag is restored.
 */
public final class PlanExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(PlanExecutor.class);

    private final Journal journal;
    private final Map<StepName, FailoverStep> steps = new EnumMap<>(StepName.class);

    /** {@code steps} must provide every {@link StepName} exactly once. */
    public PlanExecutor(Journal journal, List<FailoverStep> steps) {
        this.journal = journal;
        for (FailoverStep s : steps) {
            if (this.steps.put(s.name(), s) != null) throw new IllegalArgumentException("two steps named " + s.name());
        }
        for (StepName n : StepName.values()) {
            if (!this.steps.containsKey(n)) throw new IllegalArgumentException("no step for " + n);
        }
    }

    /** Starts a planned failover: journals it, then runs every step. The plan must say PROCEED. */
    public ExecutionResult start(FailoverPlan plan) {
        return start(plan, null);
    }

    /** As {@link #start(FailoverPlan)}, journaling first when the old primary last took a write (null: unknown). */
    public ExecutionResult start(FailoverPlan plan, java.time.Instant primaryLastWrite) {
        if (plan.decision() != Decision.PROCEED) {
            throw new IllegalArgumentException("the plan says " + plan.decision() + ", not PROCEED");
        }
        long id = journal.beginFailover(plan.toNewFailover());
        if (primaryLastWrite != null) journal.recordPrimaryLastWrite(id, primaryLastWrite);
        return run(StepContext.of(id, plan), StepName.values()[0]);
    }

    /**
     * Resumes a failover the journal still shows as running, from {@code from} (as decided by
     * {@link RecoveryPlanner}). Step rows a crash left open are closed as failed first.
     */
    public ExecutionResult resume(FailoverRecord running, StepName from) {
        if (running.outcome() != FailoverOutcome.RUNNING) {
            throw new IllegalArgumentException("failover " + running.id() + " is " + running.outcome().label());
        }
        journal.closeInterruptedSteps(running.id(), "interrupted: vakt stopped during this step");
        return run(StepContext.of(running), from);
    }

    /** Ends a running failover as crash recovery decided, without running steps. */
    public void settle(FailoverRecord running, RecoveryPlan decision) {
        if (decision.action() == RecoveryAction.RESUME_FROM) {
            throw new IllegalArgumentException("RESUME_FROM runs steps: use resume()");
        }
        journal.closeInterruptedSteps(running.id(), "interrupted: vakt stopped during this step");
        switch (decision.action()) {
            case MARK_COMPLETED -> journal.finishFailover(running.id(), FailoverOutcome.COMPLETED,
                    "completed before the crash; recovery: " + decision.reason());
            case ABORT_SAFELY -> journal.finishFailover(running.id(), FailoverOutcome.ABORTED,
                    "stopped by crash recovery: " + decision.reason());
            case RESUME_FROM -> throw new AssertionError("checked above");
        }
    }

    private ExecutionResult run(StepContext ctx, StepName from) {
        for (StepName name : StepName.values()) {
            if (name.compareTo(from) < 0) continue;
            int seq = journal.stepStarted(ctx.failoverId(), name.name());
            StepResult result;
            try {
                result = steps.get(name).execute(ctx);
                if (result == null) result = StepResult.failed("the step returned no result");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                journal.stepFinished(ctx.failoverId(), seq, StepOutcome.FAILED, "interrupted");
                LOG.warn("failover {} interrupted during {}; left running for crash recovery", ctx.failoverId(), name);
                return new ExecutionResult(ctx.failoverId(), FailoverOutcome.RUNNING, name, "interrupted");
            } catch (Exception e) {
                String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                result = StepResult.failed(msg);
            }
            journal.stepFinished(ctx.failoverId(), seq, result.outcome(), result.detail());
            if (result.outcome() == StepOutcome.FAILED) {
                String detail = name + " failed" + (result.detail() == null ? "" : ": " + result.detail());
                journal.finishFailover(ctx.failoverId(), FailoverOutcome.ABORTED, detail);
                return new ExecutionResult(ctx.failoverId(), FailoverOutcome.ABORTED, name, detail);
            }
        }
        journal.finishFailover(ctx.failoverId(), FailoverOutcome.COMPLETED, ctx.fromNode() + " -> " + ctx.toNode()
                + ", epoch " + ctx.newEpoch());
        return new ExecutionResult(ctx.failoverId(), FailoverOutcome.COMPLETED, null, null);
    }
}
