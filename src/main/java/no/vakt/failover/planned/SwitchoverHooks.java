package no.vakt.failover.planned;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import no.vakt.cluster.OperatorCommands;
import no.vakt.db.FenceLocks;
import no.vakt.failover.plan.RunHooks;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepId;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.plan.StepResult;
import no.vakt.journal.StepOutcome;

/**
 * What a switchover adds to the engine's run: one printed line per step ({@code "  STEP: detail"}), the
 * write-unavailable window (fence to verified write), the fence lifted when it stops before the promotion,
 * and the summary's words.
 */
final class SwitchoverHooks implements RunHooks {
    private final SwitchoverState run;
    private final PrintWriter out;
    private final Clock clock;
    private final OperatorCommands commands;
    private Duration window;

    SwitchoverHooks(SwitchoverState run, PrintWriter out, Clock clock, OperatorCommands commands) {
        this.run = run;
        this.out = out;
        this.clock = clock;
        this.commands = commands;
    }

    /** From the fence to the verified write on the new primary; null when not reached. */
    Duration window() {
        return window;
    }

    @Override
    public void notRun(StepId step, String problem) {
        print(step.name() + ": not run: the journal cannot be written (" + problem + ")");
    }

    @Override
    public void ended(StepId step, StepResult result, boolean journaled) {
        if (result.trafficPending()) run.trafficPending = true;
        if (result.outcome() == StepOutcome.FAILED) {
            print(step.name() + ": FAILED: " + result.detail());
            return;
        }
        print(step.name() + ": " + result.detail() + (journaled ? "" : " (NOT journaled yet: the journal cannot be written)"));
        if (step == StepName.VERIFY_WRITE) {
            window = Duration.between(run.fencedAt, clock.instant());
            print("write-unavailable window: " + window.toMillis() + " ms (fence to verified write)");
        }
    }

    @Override
    public void interrupted(StepId step) {
        print(step.name() + ": interrupted");
    }

    /** Nothing irreversible happened: the old primary takes writes again, unless the promotion itself half ran. */
    @Override
    public String undo(boolean pointOfNoReturnTried) {
        if (pointOfNoReturnTried) {
            return run.from.name() + " stays fenced (read-only): check " + run.to.name() + " before lifting it";
        }
        try {
            run.oldDb.execute("SET GLOBAL read_only = OFF");
        } catch (SQLException e) {
            return "lifting the fence on " + run.from.name() + " FAILED (" + e.getMessage() + "): run SET GLOBAL read_only = OFF there";
        }
        String lifted = "fence lifted: " + run.from.name() + " is writable again and stays primary";
        String unlocked = FenceLocks.unlockForDetail(run.oldDb);
        return unlocked.isEmpty() ? lifted : lifted + ", " + unlocked;
    }

    @Override
    public String changed(StepContext ctx) {
        return RunHooks.super.changed(ctx) + (window == null ? "" : ", write-unavailable " + window.toMillis() + " ms");
    }

    @Override
    public String leftToDo(StepContext ctx) {
        return run.from.name() + " stays read-only: finish by hand (" + commands.rejoin(run.from.name()) + ")";
    }

    private void print(String line) {
        out.println("  " + line);
        out.flush();
    }
}
