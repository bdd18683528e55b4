package no.vakt.replication;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.List;
import no.vakt.db.Errors;

/** Runs steps in order, printing {@code name: line} for each, and stops at the first failure. */
public final class Pipeline {
    private final List<Step> steps;

    public Pipeline(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    public List<Step> steps() {
        return steps;
    }

    /** Prints what each step would do. */
    public void preview(BootstrapContext ctx, PrintWriter out) {
        for (Step step : steps) out.println(step.name() + ": would " + step.preview(ctx));
    }

    /** True when every step succeeded; a failed step prints its reason on {@code err}. */
    public boolean run(BootstrapContext ctx, PrintWriter out, PrintWriter err) {
        for (Step step : steps) {
            try {
                out.println(step.name() + ": " + step.run(ctx));
                ctx.drainNotes().forEach(n -> out.println("  " + n));
            } catch (Exception e) {
                ctx.drainNotes().forEach(n -> out.println("  " + n));
                err.println(step.name() + ": FAILED: " + describe(e));
                out.flush();
                err.flush();
                return false;
            }
            out.flush();
        }
        return true;
    }

    static String describe(Exception e) {
        if (e instanceof SQLException sql) return Errors.describe(sql);
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
