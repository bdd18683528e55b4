package no.vakt.failover.steps;

import java.sql.SQLException;
import java.time.Duration;
import no.vakt.db.DbSession;
import no.vakt.db.FenceLocks;
import no.vakt.db.NodeOperations;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.plan.StepResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 4: the point of no return. Detaches the standby (STOP SLAVE; RESET SLAVE ALL) and opens it for
 * writes (read_only=OFF). It looks first: a node already writable and replicating from nobody was
 * promoted before a crash, so nothing is done. It refuses while the old primary answers writable,
 * so the cluster never has two writable nodes: it always asks, but once an earlier step of this run
 * found the old primary not answering, within {@link OldPrimaryReachability#RECHECK_CONNECT_BOUND}
 * instead of the full connect timeout (a restarted server answers at once on a LAN; a black hole costs
 * only that bound), and the detail says so.
 *
 * <p>The promotion statements run with their own socket timeout, {@link #STATEMENT_TIMEOUT}, not the
 * connect timeout of the checks: STOP SLAVE may legitimately take seconds (it waits for the IO thread,
 * see {@link NodeOperations#promote}), and a socket timeout in the middle of it aborted the failover while
 * the server went on to stop replication anyway.
 */
public final class PromoteStandbyStep extends PromotionStep {
    private static final Logger LOG = LoggerFactory.getLogger(PromoteStandbyStep.class);
    /**
     * The bound of each promotion statement on the standby. The IO thread is killed first, so STOP SLAVE
     * takes milliseconds; should that ever fail, the server's own retry of the stop comes every 2 s, so
     * 10 s leaves it several tries while still bounding a wedged server.
     */
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(10);

    private final OldPrimaryDoor door;

    /** A step of its own run: it asks the old primary with the full timeout. */
    public PromoteStandbyStep(StepNodes nodes) {
        this(nodes, OldPrimaryReachability.unknown(nodes));
    }

    /** @param known what this run knows about the old primary's reachability, shared by its steps */
    public PromoteStandbyStep(StepNodes nodes, OldPrimaryReachability known) {
        this(nodes, known, OldPrimaryDoor.NONE);
    }

    /** @param door where a silent old primary is handed once the standby is writable (the door fence) */
    public PromoteStandbyStep(StepNodes nodes, OldPrimaryReachability known, OldPrimaryDoor door) {
        super(StepName.PROMOTE_STANDBY, nodes, known);
        this.door = door;
    }

    @Override
    public StepResult execute(StepContext ctx) throws SQLException {
        String to = ctx.toNode();
        StepNodes.OldPrimaryAnswer<Boolean> oldWritable = nodes.askOldPrimary(ctx, name(), known,
                OldPrimaryReachability.Need.SAFETY, db -> !StepNodes.readOnly(db));
        String note = oldWritable.notePrefix();
        if (oldWritable.value().orElse(false)) {
            return StepResult.failed(note + ctx.fromNode() + " answers and is writable (read_only=OFF): promoting "
                    + to + " now would make two writable nodes");
        }
        try (DbSession db = nodes.open(to)) {
            boolean replicating = db.replicaStatus().isPresent();
            boolean readOnly = StepNodes.readOnly(db);
            if (!replicating && !readOnly) {
                guardSilentOldPrimary(ctx, oldWritable);
                return StepResult.skipped(note + to + " is already writable with no replication configured: already promoted");
            }
            // Connector/J applies it as the socket timeout of the statements that follow on this session.
            db.connection().setNetworkTimeout(Runnable::run, (int) STATEMENT_TIMEOUT.toMillis());
            NodeOperations.Promotion promotion = null;
            if (replicating) {
                promotion = NodeOperations.promote(db);
            } else {
                db.execute("SET GLOBAL read_only = OFF");
            }
            if (db.replicaStatus().isPresent() || StepNodes.readOnly(db)) {
                return StepResult.failed(note + to + " still replicates or is read-only after the promotion statements");
            }
            String gtid = db.scalar("SELECT @@GLOBAL.gtid_current_pos").orElse("");
            // A former primary Vakt once fenced: the accounts its fence locked work again here.
            String unlocked = FenceLocks.unlockForDetail(db);
            guardSilentOldPrimary(ctx, oldWritable); // last: only a step that succeeds arms it
            return StepResult.ok(note + to + ": " + (replicating ? "STOP SLAVE; RESET SLAVE ALL; " : "")
                    + "read_only=OFF (gtid_current_pos " + gtid + (promotion == null ? "" : "; " + promotion.describe()) + ")"
                    + (unlocked.isEmpty() ? "" : "; " + unlocked));
        }
    }

    /**
     * The standby is writable: an old primary that gave no answer may come back writable at any moment now,
     * so the door fence waits at it from here on (an old primary that answered is read-only: nothing to wait for).
     */
    private void guardSilentOldPrimary(StepContext ctx, StepNodes.OldPrimaryAnswer<Boolean> oldWritable) {
        if (oldWritable.value().isPresent()) return;
        try {
            door.promotedPastSilentOldPrimary(ctx);
        } catch (RuntimeException e) {
            // The monitor's policy arms it at its next tick all the same: never fail the promotion over it.
            LOG.warn("could not hand {} to the door fence: {}", ctx.fromNode(), e.toString());
        }
    }
}
