package no.vakt.failover.plan;

import java.util.ArrayList;
import java.util.List;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalException;
import no.vakt.journal.StepOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one journaled step engine: runs a {@link StepPlan} (a failover's promotion, a switchover) in order,
 * journaling each step's start before it runs and its end after. Because the start is durable before the
 * step acts, a kill -9 at any point leaves a journal that {@link RecoveryPlanner} can settle.
 *
 * <p>What a failed step means depends on the plan's point of no return (for a failover and a switchover
 * {@link StepName#PROMOTE_STANDBY}):
 * <ul>
 *   <li>Up to and including it, the first failure stops the run, the plan's undo runs
 *       ({@link RunHooks#undo}: a switchover lifts its fence) and the run is journaled as aborted, naming
 *       the step: nothing irreversible happened, the old primary may serve again. The same when the journal
 *       cannot take a step's start or end: nothing acts before the point of no return without a durable start.
 *   <li>Once it succeeded there is no going back, so every remaining step runs whatever failed before it:
 *       HANDOVER turns file sync around and BUMP_EPOCH raises the fencing token even when the traffic switch
 *       (or anything else) failed, and what the journal cannot take is kept and written once it can. A
 *       HANDOVER whose only failure is the traffic switch ({@link StepResult#trafficPending}) ends the run
 *       COMPLETED with traffic pending ({@link FailoverEnding#COMPLETED_TRAFFIC_PENDING}; the summary for
 *       people starts with {@link ExecutionResult#TRAFFIC_PENDING_SUMMARY}); any other failure after the
 *       promotion ends it ABORTED, with every later step run and the new primary named.
 * </ul>
 *
 * <p>With agents a {@link StepRecorder} writes the run to ZooKeeper once each step's start is journaled (before
 * it acts) and once its result is: a step the record does not take does not run before the point of no return,
 * and a write refused because another agent holds the run stops this engine at once (the run stays running here).
 *
 * <p>An interrupted thread (an orderly shutdown in the middle of a run) is treated like a crash: the step
 * is journaled as failed with "interrupted", the run stays running for recovery on the next start, and
 * the interrupt flag is restored.
 */
public final class PlanExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(PlanExecutor.class);

    private final Journal journal;
    private final StepPlan plan;
    private final StepRecorder recorder;
    private final StepGate gate;

    /** A failover's executor: {@code steps} must provide every {@link StepName} exactly once. */
    public PlanExecutor(Journal journal, List<FailoverStep> steps) {
        this(journal, StepPlan.failover(steps), StepRecorder.NONE);
    }

    /** As {@link #PlanExecutor(Journal, List)}, recording each step also where {@code recorder} says (agents: ZooKeeper). */
    public PlanExecutor(Journal journal, List<FailoverStep> steps, StepRecorder recorder) {
        this(journal, StepPlan.failover(steps), recorder);
    }

    public PlanExecutor(Journal journal, StepPlan plan) {
        this(journal, plan, StepGate.OPEN, StepRecorder.NONE);
    }

    public PlanExecutor(Journal journal, StepPlan plan, StepRecorder recorder) {
        this(journal, plan, StepGate.OPEN, recorder);
    }

    /** @param gate asked before each step (agents: the coordinator's authority, docs/ha.md) */
    public PlanExecutor(Journal journal, StepPlan plan, StepGate gate) {
        this(journal, plan, gate, StepRecorder.NONE);
    }

    /**
     * @param gate asked before each step (agents: the coordinator's authority and the epoch, docs/ha.md)
     * @param recorder writes each step where the cluster keeps its runs (agents: ZooKeeper)
     */
    public PlanExecutor(Journal journal, StepPlan plan, StepGate gate, StepRecorder recorder) {
        this.journal = journal;
        this.plan = plan;
        this.gate = gate == null ? StepGate.OPEN : gate;
        this.recorder = recorder == null ? StepRecorder.NONE : recorder;
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
        if (primaryLastWrite != null) {
            try {
                journal.recordPrimaryLastWrite(id, primaryLastWrite);
            } catch (JournalException e) {
                return abortUnjournaled(StepContext.of(id, plan), first(),
                        "the old primary's last write could not be journaled (" + e.getMessage() + ")", false);
            }
        }
        return run(StepContext.of(id, plan), 0, false);
    }

    /**
     * Runs every step of a run the caller has already begun in the journal ({@link Journal#beginFailover}),
     * so its start is durable before anything acts: a switchover, which refuses rather than starts when the
     * journal cannot take it.
     */
    public ExecutionResult run(StepContext begun) {
        return run(begun, 0, false);
    }

    /**
     * Resumes a run the journal still shows as running, from {@code from} (as decided by
     * {@link RecoveryPlanner}). Step rows a crash left open are closed as failed first.
     */
    public ExecutionResult resume(FailoverRecord running, StepId from) {
        if (running.outcome() != FailoverOutcome.RUNNING) {
            throw new IllegalArgumentException("failover " + running.id() + " is " + running.outcome().label());
        }
        int index = plan.indexOf(from.name());
        if (index < 0) throw new IllegalArgumentException("the plan has no step " + from.name());
        journal.closeInterruptedSteps(running.id(), "interrupted: vakt stopped during this step");
        // Recovery resumes from the first unfinished step: past the point of no return, that step had finished.
        return run(StepContext.of(running), index, index > plan.indexOf(plan.pointOfNoReturn().name()));
    }

    /** Ends a running failover as crash recovery decided, without running steps. */
    public void settle(FailoverRecord running, RecoveryPlan decision) {
        if (decision.action() == RecoveryAction.RESUME_FROM) {
            throw new IllegalArgumentException("RESUME_FROM runs steps: use resume()");
        }
        journal.closeInterruptedSteps(running.id(), "interrupted: vakt stopped during this step");
        FailoverEnding ending;
        String summary;
        switch (decision.action()) {
            case MARK_COMPLETED -> {
                ending = FailoverEnding.COMPLETED;
                summary = "completed before the crash; recovery: " + decision.reason();
            }
            case ABORT_SAFELY -> {
                ending = FailoverEnding.aborted(promoted(running));
                summary = "stopped by crash recovery: " + decision.reason();
            }
            case RESUME_FROM -> throw new AssertionError("checked above");
            case LEFT_TO_OWNER -> throw new IllegalArgumentException("failover " + running.id() + " is left to its owner");
            default -> throw new AssertionError(decision.action());
        }
        journal.finishFailover(running.id(), ending, summary);
        recorder.ended(StepContext.of(running), ending, summary);
    }

    private ExecutionResult run(StepContext ctx, int from, boolean promotedBefore) {
        RunHooks hooks = plan.hooks();
        String pointOfNoReturn = plan.pointOfNoReturn().name();
        boolean promoted = promotedBefore;
        StepId firstFailure = null;
        List<String> failures = new ArrayList<>();
        String trafficProblem = null;
        for (FailoverStep step : plan.steps().subList(from, plan.steps().size())) {
            StepId name = step.name();
            if (gate(ctx, name, promoted) instanceof StepGate.Verdict.Stop stop) {
                hooks.notRun(name, stop.reason());
                return stopped(ctx, name, stop.reason(), promoted);
            }
            // A journal that cannot be written (disk full, lock held past its timeout) must not abort the run
            // outside this handling: before the point of no return nothing runs without a durable start; after
            // it every step runs and what could not be journaled is kept and written once the journal is back.
            Journal.StepStart start = journal.stepStartedOrLater(ctx.failoverId(), name.name());
            if (!start.durable() && !promoted) {
                hooks.notRun(name, start.problem());
                return abortUnjournaled(ctx, name, "its start could not be journaled (" + start.problem() + ")", false);
            }
            StepRecorder.Recording before = recorder.beforeStep(ctx, name);
            if (before.state() == StepRecorder.Recorded.TAKEN_OVER
                    || (before.state() == StepRecorder.Recorded.UNAVAILABLE && !promoted)) {
                return leftToCluster(ctx, start, name, before.detail(), promoted);
            }
            StepResult result;
            try {
                result = step.execute(ctx);
                if (result == null) result = StepResult.failed("the step returned no result");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                journal.stepFinishedOrLater(start, StepOutcome.FAILED, "interrupted");
                hooks.interrupted(name);
                LOG.warn("failover {} interrupted during {}; left running for crash recovery", ctx.failoverId(),
                        name.name());
                return new ExecutionResult(ctx.failoverId(), FailoverOutcome.RUNNING, name, "interrupted", promoted, false);
            } catch (Exception e) {
                String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                result = StepResult.failed(msg);
            }
            boolean journaled = journal.stepFinishedOrLater(start, result.outcome(), result.detail());
            hooks.ended(name, result, journaled);
            StepRecorder.Recording after = recorder.afterStep(ctx, name, result);
            if (after.state() == StepRecorder.Recorded.TAKEN_OVER) {
                LOG.warn("failover {}: {} is held by another agent now ({}); this one stops", ctx.failoverId(),
                        name.name(), after.detail());
                return new ExecutionResult(ctx.failoverId(), FailoverOutcome.RUNNING, name, after.detail(),
                        promoted || (result.outcome() != StepOutcome.FAILED && name.name().equals(pointOfNoReturn)), false);
            }
            boolean isPointOfNoReturn = name.name().equals(pointOfNoReturn);
            if (result.outcome() != StepOutcome.FAILED) {
                if (isPointOfNoReturn) promoted = true;
                if (!journaled && !promoted) {
                    return abortUnjournaled(ctx, name, "it ran, but its end could not be journaled", false);
                }
                continue;
            }
            String detail = name.name() + " failed" + (result.detail() == null ? "" : ": " + result.detail());
            if (!promoted) {
                String summary = withUndo(detail, isPointOfNoReturn);
                finish(ctx, FailoverEnding.ABORTED_BEFORE_PROMOTION, summary);
                return new ExecutionResult(ctx.failoverId(), FailoverOutcome.ABORTED, name, summary, false, false);
            }
            // Past the point of no return: note it and run the remaining steps (BUMP_EPOCH above all).
            if (result.trafficPending()) {
                trafficProblem = result.detail();
            } else {
                if (firstFailure == null) firstFailure = name;
                failures.add(detail);
            }
            LOG.warn("failover {}: {}; {} is promoted, so the remaining steps run", ctx.failoverId(), detail, ctx.toNode());
        }
        String changed = hooks.changed(ctx);
        if (!failures.isEmpty()) {
            String left = hooks.leftToDo(ctx);
            String detail = String.join("; ", failures) + (trafficProblem == null ? "" : "; traffic: " + trafficProblem)
                    + "; " + ctx.toNode() + " was promoted (past the point of no return), so the later steps ran"
                    + (left.isBlank() ? "" : "; " + left);
            finish(ctx, FailoverEnding.ABORTED_AFTER_PROMOTION, detail);
            return new ExecutionResult(ctx.failoverId(), FailoverOutcome.ABORTED, firstFailure, detail, true, false);
        }
        if (trafficProblem != null) {
            String summary = ExecutionResult.TRAFFIC_PENDING_SUMMARY + changed + "; " + trafficProblem;
            finish(ctx, FailoverEnding.COMPLETED_TRAFFIC_PENDING, summary);
            return new ExecutionResult(ctx.failoverId(), FailoverOutcome.COMPLETED, null, summary, true, true);
        }
        finish(ctx, FailoverEnding.COMPLETED, changed);
        return new ExecutionResult(ctx.failoverId(), FailoverOutcome.COMPLETED, null, null, promoted, false);
    }

    private StepGate.Verdict gate(StepContext ctx, StepId name, boolean promoted) {
        try {
            return gate.beforeStep(name, ctx, promoted);
        } catch (RuntimeException e) {
            // Authority that cannot be confirmed is not authority.
            return new StepGate.Verdict.Stop("the step gate failed: " + e);
        }
    }

    /**
     * The gate said stop: before the point of no return the run aborts as a failed step does (undo included);
     * after it, it stays RUNNING for the agent with authority (or crash recovery), nothing more done here.
     */
    private ExecutionResult stopped(StepContext ctx, StepId name, String reason, boolean promoted) {
        String detail = name.name() + " not run: " + reason;
        if (promoted) {
            LOG.warn("failover {}: {}; {} is promoted, the rest is left to the agent with authority", ctx.failoverId(),
                    detail, ctx.toNode());
            return new ExecutionResult(ctx.failoverId(), FailoverOutcome.RUNNING, name, detail, true, false);
        }
        String summary = withUndo(detail + "; stopped before the promotion", false);
        LOG.warn("failover {}: {}", ctx.failoverId(), summary);
        // The cluster's record ends too: left running, it refused every later failover (it names this agent, which
        // would adopt it, and stop at the same gate, again and again).
        finish(ctx, FailoverEnding.ABORTED_BEFORE_PROMOTION, summary);
        return new ExecutionResult(ctx.failoverId(), FailoverOutcome.ABORTED, name, summary, false, false);
    }

    /** Before the point of no return without a durable journal: stop and undo, nothing irreversible happened. */
    private ExecutionResult abortUnjournaled(StepContext ctx, StepId name, String why, boolean pointOfNoReturnTried) {
        String detail = withUndo(name.name() + ": the journal cannot be written, " + why + "; stopped before the promotion",
                pointOfNoReturnTried);
        LOG.error("failover {}: {}", ctx.failoverId(), detail);
        finish(ctx, FailoverEnding.ABORTED_BEFORE_PROMOTION, detail);
        return new ExecutionResult(ctx.failoverId(), FailoverOutcome.ABORTED, name, detail, false, false);
    }

    private void finish(StepContext ctx, FailoverEnding ending, String summary) {
        journal.finishFailoverOrLater(ctx.failoverId(), ending, summary);
        recorder.ended(ctx, ending, summary);
    }

    /**
     * The cluster's record refused this step (another agent holds the run) or, before the point of no return,
     * could not take it: the step does not run and the run stays running here. The agent that holds the run
     * resumes it from the cluster's record through crash recovery, which also ends this row (see ClusterRuns).
     */
    private ExecutionResult leftToCluster(StepContext ctx, Journal.StepStart start, StepId name, String why,
            boolean promoted) {
        String detail = "not run: " + why;
        journal.stepFinishedOrLater(start, StepOutcome.FAILED, detail);
        plan.hooks().notRun(name, why);
        LOG.warn("failover {}: {} {}; left running for the agent that holds the run", ctx.failoverId(), name.name(), detail);
        return new ExecutionResult(ctx.failoverId(), FailoverOutcome.RUNNING, name, detail, promoted, false);
    }

    private String withUndo(String detail, boolean pointOfNoReturnTried) {
        String undone = plan.hooks().undo(pointOfNoReturnTried);
        return undone.isBlank() ? detail : detail + "; " + undone;
    }

    private StepId first() {
        return plan.steps().get(0).name();
    }

    /** The point of no return had finished before the crash (skipped counts: it was found done). */
    private boolean promoted(FailoverRecord running) {
        return running.lastRunOf(plan.pointOfNoReturn().name())
                .filter(s -> s.outcome() == StepOutcome.OK || s.outcome() == StepOutcome.SKIPPED).isPresent();
    }
}
