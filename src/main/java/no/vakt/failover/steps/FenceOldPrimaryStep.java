package no.vakt.failover.steps;

import java.sql.SQLException;
import no.vakt.db.DbSession;
import no.vakt.db.Errors;
import no.vakt.db.FenceLocks;
import no.vakt.db.NodeOperations;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.plan.StepResult;

/**
 * Step 1: stop the old primary taking writes, when it still answers: read_only=ON and its client
 * connections killed (an open transaction could otherwise still commit). Repeating it is harmless.
 * Then the configured fencing command runs (STONITH, firewall): when the old primary did not answer,
 * that command is the only fence, so its failure fails the step and stops the failover; when SQL
 * fencing worked, a failing command is reported and the step still succeeds.
 *
 * <p>It asks the old primary with the full connect timeout, unless the plan (its look, or the monitor's probe
 * it took instead) just found it not
 * answering (then not at all while that finding is fresh, else within the short re-check bound). What it finds (no answer at the connection level, or an
 * answer) goes to the run's {@link OldPrimaryReachability}, so the later steps do not wait on a
 * black-holed old primary again.
 */
public final class FenceOldPrimaryStep extends PromotionStep {
    static final String NO_SUPER_READ_ONLY = "MariaDB has no super_read_only: accounts with READ ONLY ADMIN"
            + " (e.g. ALL PRIVILEGES) could still write, which is why they are locked and client connections killed";

    private final FenceCommand command;

    /** A step of its own run: what it finds about the old primary is kept for nobody. */
    public FenceOldPrimaryStep(StepNodes nodes) {
        this(nodes, OldPrimaryReachability.unknown(nodes));
    }

    /** @param known what this run knows about the old primary's reachability, shared by its steps */
    public FenceOldPrimaryStep(StepNodes nodes, OldPrimaryReachability known) {
        super(StepName.FENCE_OLD_PRIMARY, nodes, known);
        var policy = nodes.config().policy();
        this.command = new FenceCommand(policy.fenceCommand(), policy.fenceCommandTimeout());
    }

    private record SqlFence(boolean fenced, boolean failed, String detail) {}

    @Override
    public StepResult execute(StepContext ctx) throws SQLException {
        String old = ctx.fromNode();
        SqlFence sql = fenceOverSql(ctx);
        if (sql.failed()) return StepResult.failed(sql.detail());
        if (!command.configured()) {
            String detail = sql.detail() + "; no fencing command is configured";
            return sql.fenced() ? StepResult.ok(detail) : StepResult.skipped(detail);
        }
        FenceCommand.Result cmd = command.run(ctx.cluster(), nodes.node(old), ctx.newEpoch());
        String detail = sql.detail() + "; " + cmd.detail();
        if (cmd.ok() || sql.fenced()) return StepResult.ok(detail);
        // Nothing fenced the old primary: promoting now could leave two writable primaries.
        return StepResult.failed(detail + "; the old primary is not fenced, so the standby is not promoted");
    }

    /**
     * Before read_only: accounts with READ ONLY ADMIN would write through it ({@link FenceLocks}). A failover
     * does not stop when they cannot be locked (a missing privilege): read_only and the kill still fence the
     * rest, and the detail says so.
     */
    private String lockBypassingAccounts(DbSession db) throws SQLException {
        try {
            return FenceLocks.describe(FenceLocks.lock(db, FenceLocks.exemptUsers(nodes.config())),
                    "locked until a rejoin or promotion");
        } catch (SQLException e) {
            if (StepNodes.connectionLost(e)) throw e;
            return "locking the accounts that bypass read_only FAILED (" + Errors.describe(e) + ")";
        }
    }

    private SqlFence fenceOverSql(StepContext ctx) throws SQLException {
        String old = ctx.fromNode();
        // The plan looked at it just before (briefly: the monitor's probes had just failed) and found it silent:
        // a fresh finding is not asked again (a black hole would cost a full connect timeout, for a fence that
        // cannot reach it anyway); an older one is re-checked briefly. PROMOTE_STANDBY still re-checks it
        // before opening the standby for writes, so a primary that came back is never left writable beside it.
        OldPrimaryReachability.Asking asking = known.howToAsk(ctx, OldPrimaryReachability.Need.INFORMATION);
        String because = asking.because().map(known::describe).orElse("");
        if (asking.ask() == OldPrimaryReachability.Ask.NOT_AGAIN) {
            return new SqlFence(false, false, old + " not asked again: " + because + ": SQL fencing skipped");
        }
        boolean briefly = asking.ask() == OldPrimaryReachability.Ask.BRIEFLY;
        DbSession db;
        try {
            db = briefly ? nodes.open(old, known.recheckBound()) : nodes.open(old);
        } catch (SQLException e) {
            known.noAnswer(ctx, name(), e);
            String recheck = briefly ? " (re-checked within " + known.recheckBound().toMillis() + " ms: " + because + ")" : "";
            return new SqlFence(false, false, old + " does not answer" + recheck + " (" + Errors.describe(e)
                    + "): SQL fencing skipped");
        }
        known.answered(ctx);
        try (db) {
            String locks = lockBypassingAccounts(db);
            int killed = NodeOperations.fence(db);
            if (!StepNodes.readOnly(db)) return new SqlFence(false, true, old + " still reports read_only=OFF after fencing");
            return new SqlFence(true, false, old + ": read_only=ON, " + killed + " client connection(s) killed; "
                    + NO_SUPER_READ_ONLY + "; " + locks);
        } catch (SQLException e) {
            if (StepNodes.connectionLost(e)) {
                known.noAnswer(ctx, name(), e);
                return new SqlFence(false, false, old + " stopped answering while being fenced (" + Errors.describe(e) + ")");
            }
            throw e;
        }
    }
}
