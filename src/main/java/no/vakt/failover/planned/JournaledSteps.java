package no.vakt.failover.planned;

import java.io.PrintWriter;
import no.vakt.journal.Journal;
import no.vakt.journal.StepOutcome;

/**
 * Runs the named steps of one planned operation: the start of each is durable in the journal before it
 * acts, its end after, and one line is printed per step. Step names reuse the failover's
 * ({@link no.vakt.failover.plan.StepName}) where they mean the same, so crash recovery reads them alike.
 */
final class JournaledSteps {
    /** One step's action; returns the detail to journal and print. */
    interface Action {
        String run() throws Exception;
    }

    /** A step failed; its message is already journaled. */
    static final class StepFailed extends Exception {
        final String step;
        /** The step never acted: its start could not be journaled. */
        final boolean notRun;

        StepFailed(String step, String message) {
            this(step, message, false);
        }

        StepFailed(String step, String message, boolean notRun) {
            super(message);
            this.step = step;
            this.notRun = notRun;
        }
    }

    private final Journal journal;
    private final long failoverId;
    private final PrintWriter out;
    /** Past the point of no return: every later step runs, journaled or not. */
    private boolean irreversible;

    JournaledSteps(Journal journal, long failoverId, PrintWriter out) {
        this.journal = journal;
        this.failoverId = failoverId;
        this.out = out;
    }

    /**
     * Runs one step. While nothing irreversible happened a step runs only with its start durable in the
     * journal, and a step whose end cannot be journaled fails (the caller undoes what it did); once past the
     * point of no return ({@link #runPointOfNoReturn}) every step runs, and what the journal cannot take is
     * kept and written as soon as it can ({@link Journal#stepFinishedOrLater}).
     */
    String run(String name, Action action) throws StepFailed {
        return run(name, action, false);
    }

    /** Runs the step after which there is no going back (the promotion): once it succeeds, all later steps run. */
    String runPointOfNoReturn(String name, Action action) throws StepFailed {
        return run(name, action, true);
    }

    private String run(String name, Action action, boolean pointOfNoReturn) throws StepFailed {
        Journal.StepStart start = journal.stepStartedOrLater(failoverId, name);
        if (!start.durable() && !irreversible) {
            String msg = "not run: the journal cannot be written (" + start.problem() + ")";
            out.println("  " + name + ": " + msg);
            out.flush();
            throw new StepFailed(name, msg, true);
        }
        String detail;
        try {
            detail = action.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            journal.stepFinishedOrLater(start, StepOutcome.FAILED, "interrupted");
            out.println("  " + name + ": interrupted");
            throw new StepFailed(name, "interrupted");
        } catch (Exception e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            journal.stepFinishedOrLater(start, StepOutcome.FAILED, msg);
            out.println("  " + name + ": FAILED: " + msg);
            out.flush();
            throw new StepFailed(name, msg);
        }
        if (pointOfNoReturn) irreversible = true;
        boolean journaled = journal.stepFinishedOrLater(start, StepOutcome.OK, detail);
        out.println("  " + name + ": " + detail + (journaled ? "" : " (NOT journaled yet: the journal cannot be written)"));
        out.flush();
        if (!journaled && !irreversible) {
            throw new StepFailed(name, "done (" + detail + "), but the journal cannot be written");
        }
        return detail;
    }
}
