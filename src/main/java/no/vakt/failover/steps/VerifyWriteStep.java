package no.vakt.failover.steps;

import java.sql.SQLException;
import no.vakt.db.DbSession;
import no.vakt.db.NodeOperations;
import no.vakt.db.VaktSchema;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.plan.StepResult;

/** Step 5: proves the new primary takes a real write (a canary row written and read back). */
public final class VerifyWriteStep extends PromotionStep {

    public VerifyWriteStep(StepNodes nodes) {
        super(StepName.VERIFY_WRITE, nodes);
    }

    @Override
    public StepResult execute(StepContext ctx) throws SQLException {
        try (DbSession db = nodes.open(ctx.toNode())) {
            if (StepNodes.readOnly(db)) return StepResult.failed(ctx.toNode() + " is read-only");
            // The new primary owns Vakt's schema now; normally it arrived by replication already.
            VaktSchema.ensure(db);
            NodeOperations.verifyWrite(db);
            return StepResult.ok("wrote and read back a canary row on " + ctx.toNode());
        }
    }
}
