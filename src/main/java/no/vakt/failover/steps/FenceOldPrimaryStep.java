package no.vakt.failover.steps;

import java.sql.SQLException;
import no.vakt.db.DbSession;
import no.vakt.db.Errors;
import no.vakt.db.NodeOperations;
import no.vakt.failover.FailoverStep;
import no.vakt.failover.StepContext;
import no.vakt.failover.StepName;
import no.vakt.failover.StepResult;

/**
 * Step 1: stop the old primary taking writes, when it still answers: read_only=ON and its client
 * connections killed (an open transaction could otherwise still commit). Repeating it is harmless.
 * When it does not answer there is nothing to do over SQL: the step is skipped, with the error as
 * evidence. No fencing command can be configured yet, so none runs.
 */
public final class FenceOldPrimaryStep implements FailoverStep {
    static final String NO_SUPER_READ_ONLY = "MariaDB has no super_read_only: accounts with READ ONLY ADMIN"
            + " (e.g. ALL PRIVILEGES) could still write, which is why client connections are killed";

    private final StepNodes nodes;

    public FenceOldPrimaryStep(StepNodes nodes) {
        this.nodes = nodes;
    }

    @Override
    public StepName name() {
        return StepName.FENCE_OLD_PRIMARY;
    }

    @Override
    public StepResult execute(StepContext ctx) throws SQLException {
        String old = ctx.fromNode();
        DbSession db;
        try {
            db = nodes.open(old);
        } catch (SQLException e) {
            return StepResult.skipped(old + " does not answer (" + Errors.describe(e)
                    + "): SQL fencing skipped; no fencing command is configured");
        }
        try (db) {
            int killed = NodeOperations.fence(db);
            if (!StepNodes.readOnly(db)) return StepResult.failed(old + " still reports read_only=OFF after fencing");
            return StepResult.ok(old + ": read_only=ON, " + killed + " client connection(s) killed; "
                    + NO_SUPER_READ_ONLY + "; no fencing command is configured");
        } catch (SQLException e) {
            if (StepNodes.connectionLost(e)) {
                return StepResult.skipped(old + " stopped answering while being fenced (" + Errors.describe(e) + ")");
            }
            throw e;
        }
    }
}
