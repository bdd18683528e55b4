package no.vakt.failover.steps;

import java.sql.SQLException;
import no.vakt.db.DbSession;
import no.vakt.db.NodeOperations;
import no.vakt.db.VaktSchema;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.plan.StepResult;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalException;

/**
 * Step 7: raises the cluster epoch (the fencing token) to the failover's epoch, in the journal and in
 * the new primary's {@code vakt.cluster}. Both only grow, so repeating it changes nothing.
 */
public final class BumpEpochStep extends PromotionStep {
    private final Journal journal;
    private final String operation;

    public BumpEpochStep(StepNodes nodes, Journal journal) {
        this(nodes, journal, "failover");
    }

    /** @param operation how the epoch's reason in the journal names the run: {@code failover}, {@code switchover} */
    public BumpEpochStep(StepNodes nodes, Journal journal, String operation) {
        super(StepName.BUMP_EPOCH, nodes);
        this.journal = journal;
        this.operation = operation;
    }

    @Override
    public StepResult execute(StepContext ctx) throws SQLException {
        long epoch = ctx.newEpoch();
        String reason = operation + " " + ctx.failoverId() + ": " + ctx.fromNode() + " -> " + ctx.toNode();
        String recorded;
        try {
            recorded = journal.recordEpoch(ctx.cluster(), epoch, ctx.toNode(), reason) ? " recorded" : " already";
        } catch (JournalException e) {
            // The node's epoch (what fences the stale primary) is recorded all the same; the journal's comes later.
            journal.recordEpochOrLater(ctx.cluster(), epoch, ctx.toNode(), reason);
            recorded = " kept for later";
        }
        try (DbSession db = nodes.open(ctx.toNode())) {
            VaktSchema.ensure(db);
            NodeOperations.recordEpoch(db, epoch, ctx.toNode());
            long onNode = NodeOperations.epoch(db);
            if (onNode < epoch) {
                return StepResult.failed(ctx.toNode() + " reports epoch " + onNode + " after recording " + epoch);
            }
            return StepResult.ok("epoch " + epoch + recorded + " in the journal; "
                    + ctx.toNode() + "'s vakt.cluster has epoch " + onNode);
        }
    }
}
