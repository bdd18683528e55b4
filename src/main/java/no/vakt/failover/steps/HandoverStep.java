package no.vakt.failover.steps;

import no.vakt.cluster.OperatorCommands;
import no.vakt.failover.plan.NamedStep;
import no.vakt.failover.plan.PlanExecutor;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.plan.StepResult;
import no.vakt.filesync.FileSyncDirector;
import no.vakt.traffic.TrafficSwitch;

/**
 * Step 6: hands the application over to the new primary, after the point of no return. File sync first
 * (a journal write: the old primary's pushes stop at once, whatever happens to traffic), then the traffic
 * switch (the part users feel, which may take up to the entries' verify timeouts). Both always run.
 *
 * <p>A failed traffic switch does not undo or stop anything: the step ends as
 * {@link StepResult#trafficPending} and the failover completes with traffic pending (the switch itself
 * alerts, CRITICAL, with the command; {@code vakt run} retries it). A failed file-sync hand-over fails the
 * step; the later steps still run ({@link PlanExecutor}).
 */
public final class HandoverStep extends NamedStep<StepName> {
    private final TrafficSwitch traffic;
    private final FileSyncDirector files;
    private final OperatorCommands commands;

    public HandoverStep(TrafficSwitch traffic, FileSyncDirector files, OperatorCommands commands) {
        super(StepName.HANDOVER);
        this.traffic = traffic;
        this.files = files;
        this.commands = commands;
    }

    @Override
    public StepResult execute(StepContext ctx) {
        String filesProblem = null;
        try {
            files.makeSource(ctx.cluster(), ctx.toNode(), ctx.newEpoch());
        } catch (Exception e) {
            filesProblem = "file sync direction failed: " + message(e);
        }
        String trafficProblem = null;
        try {
            traffic.routeTo(ctx.cluster(), ctx.toNode(), ctx.newEpoch());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            trafficProblem = "traffic switch to " + ctx.toNode() + " interrupted";
        } catch (Exception e) {
            trafficProblem = "traffic switch to " + ctx.toNode() + " failed: " + message(e);
        }
        // The runner alerts the finished failover with its timings once every step is done.
        if (filesProblem != null) {
            return StepResult.failed(filesProblem + "; " + (trafficProblem != null ? trafficProblem
                    : "traffic switched to " + ctx.toNode()));
        }
        if (trafficProblem != null) {
            return StepResult.trafficPending("file sync now from " + ctx.toNode() + "; " + trafficProblem
                    + "; vakt run retries the switch; by hand: " + commands.trafficApply());
        }
        return StepResult.ok("file sync and traffic switched to " + ctx.toNode());
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
