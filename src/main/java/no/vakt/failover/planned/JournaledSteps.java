package no.vakt.failover.planned;

import java.io.PrintWriter;
import no.vakt.journal.Journal;
import no.vakt.journal.StepOutcome;

/**
 * Runs the named steps of one planned operation: the start of each is durable in the journal before it
 * acts, its end after, and one line is printed per step. Step names reuse the failover's
 * ({@link no.vakt.failover.StepName}) where they mean the same, so crash recovery reads them alike.
 */
final class JournaledSteps {
    /** One step's action; returns the detail to journal and print. */
    interface Action {
        String run() throws Exception;
    }

    /** A step failed; its message is already journaled. */
    static final class StepFailed extends Exception {
        final String step;

        StepFailed(String step, String message) {
            super(message);
            this.step = step;
        }
    }

    private final Journal journal;
    private final long failoverId;
    private final PrintWriter out;

    JournaledSteps(Journal journal, long failoverId, PrintWriter out) {
        this.journal = journal;
        this.failoverId = failoverId;
        this.out = out;
    }

    String run(String name, Action action) throws StepFailed {
        int seq = journal.stepStarted(failoverId, name);
        String detail;
        try {
            detail = action.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            journal.stepFinished(failoverId, seq, StepOutcome.FAILED, "interrupted");
            out.println("  " + name + ": interrupted");
            throw new StepFailed(name, "interrupted");
        } catch (Exception e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            journal.stepFinished(failoverId, seq, StepOutcome.FAILED, msg);
            out.println("  " + name + ": FAILED: " + msg);
            out.flush();
            throw new StepFailed(name, msg);
        }
        journal.stepFinished(failoverId, seq, StepOutcome.OK, detail);
        out.println("  " + name + ": " + detail);
        out.flush();
        return detail;
    }
}
