package no.vakt.failover.steps;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import no.vakt.cluster.GtidPosition;
import no.vakt.db.DbSession;
import no.vakt.db.NodeOperations;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.plan.StepResult;

/**
 * Step 2: let the standby apply what it received, at most {@code policy.max-apply-wait}. When the
 * (fenced) old primary still answers and the IO thread runs, it first waits for the old primary's
 * whole binary log, so a planned switchover loses nothing; then for everything in the relay log. An old
 * primary an earlier step of this run just found not answering is not asked again
 * ({@link OldPrimaryReachability}; the detail says so). A SQL thread stopped by hand (no error) is
 * started, or its relay log would be thrown away by the promotion. Not applying in time fails the step
 * unless the RPO was waived by {@code --force}.
 */
public final class ApplyRelayLogStep extends PromotionStep {
    private final Duration maxWait;

    /** A step of its own run: it asks the old primary with the full timeout. */
    public ApplyRelayLogStep(StepNodes nodes, Duration maxWait) {
        this(nodes, maxWait, OldPrimaryReachability.unknown(nodes));
    }

    /** @param known what this run knows about the old primary's reachability, shared by its steps */
    public ApplyRelayLogStep(StepNodes nodes, Duration maxWait, OldPrimaryReachability known) {
        super(StepName.APPLY_RELAY_LOG, nodes, known);
        this.maxWait = maxWait;
    }

    @Override
    public StepResult execute(StepContext ctx) throws SQLException {
        String to = ctx.toNode();
        long deadline = System.nanoTime() + maxWait.toNanos();
        try (DbSession db = nodes.open(to)) {
            Optional<Map<String, String>> status = db.replicaStatus();
            if (status.isEmpty()) {
                return StepResult.skipped(to + " has no replication configured: nothing to apply");
            }
            StringBuilder notes = new StringBuilder();
            if (!"Yes".equalsIgnoreCase(status.get().get("Slave_SQL_Running"))) {
                String err = status.get().getOrDefault("Last_SQL_Error", "");
                if (!err.isBlank()) {
                    String msg = to + " SQL thread stopped with error " + status.get().get("Last_SQL_Errno") + ": " + err;
                    return ctx.enforceRpo() ? StepResult.failed(msg + "; its relay log cannot be applied")
                            : StepResult.ok(msg + "; relay log not applied, loss accepted by --force");
                }
                db.execute("START SLAVE SQL_THREAD");
                notes.append("started the stopped SQL thread; ");
            }
            // MASTER_GTID_WAIT below blocks up to max-apply-wait: the session's socket timeout (checks.timeout)
            // must not cut it short, or a relay log that takes longer than one probe timeout to apply aborts.
            int base = db.connection().getNetworkTimeout();
            db.connection().setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, base + maxWait.toMillis()));
            boolean ioRunning = "Yes".equalsIgnoreCase(status.get().get("Slave_IO_Running"));
            Optional<GtidPosition> oldPos = Optional.empty();
            if (ioRunning) {
                StepNodes.OldPrimaryAnswer<GtidPosition> answer = nodes.askOldPrimary(ctx, name(), known,
                        OldPrimaryReachability.Need.INFORMATION,
                        old -> GtidPosition.parse(old.scalar("SELECT @@GLOBAL.gtid_binlog_pos").orElse("")));
                notes.append(answer.notePrefix());
                oldPos = answer.value();
            }
            if (oldPos.isPresent() && !oldPos.get().isEmpty()) {
                String r = db.scalar("SELECT MASTER_GTID_WAIT(?, ?)", oldPos.get().toString(), seconds(deadline))
                        .orElse("-1");
                notes.append("0".equals(r) ? "has the old primary's whole binlog (" + oldPos.get() + "); "
                        : "did not reach the old primary's position " + oldPos.get() + " in time; ");
            }
            boolean applied = NodeOperations.waitForRelayLogApplied(db, Duration.ofMillis(Math.max(1, millisLeft(deadline))));
            long unapplied = NodeOperations.unappliedTransactions(db);
            String gtid = db.scalar("SELECT @@GLOBAL.gtid_current_pos").orElse("");
            if (applied && unapplied == 0) {
                return StepResult.ok(notes + "relay log applied on " + to + " (gtid_current_pos " + gtid + ")");
            }
            String msg = notes + to + " did not apply its relay log within " + maxWait.toMillis() + " ms: "
                    + unapplied + " received transaction(s) unapplied";
            return ctx.enforceRpo() ? StepResult.failed(msg) : StepResult.ok(msg + "; loss accepted by --force");
        }
    }

    private static long millisLeft(long deadline) {
        return Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
    }

    private static double seconds(long deadline) {
        return Math.max(0.001, millisLeft(deadline) / 1000.0);
    }
}
