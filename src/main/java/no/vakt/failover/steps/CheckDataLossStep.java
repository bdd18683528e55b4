package no.vakt.failover.steps;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.OperatorCommands;
import no.vakt.cluster.Severity;
import no.vakt.config.Node;
import no.vakt.db.DbSession;
import no.vakt.db.NodeOperations;
import no.vakt.db.NodeState;
import no.vakt.failover.plan.DataLossEstimate;
import no.vakt.failover.plan.DataLossEstimator;
import no.vakt.failover.plan.StandbySnapshot;
import no.vakt.failover.plan.StepContext;
import no.vakt.failover.plan.StepName;
import no.vakt.failover.plan.StepResult;

/**
 * Step 3: recompute the expected data loss with fresh numbers, after the relay log was applied, and
 * stop the promotion when it exceeds the RPO (unless {@code --force} waived it), alerting instead.
 * Beyond the estimator's time window it is strict about facts it can prove: transactions received but
 * not applied would be thrown away by the promotion, and when the fenced old primary still answers,
 * any transaction of its binary log missing on the standby is a known loss. An old primary an earlier step
 * of this run just found not answering is not asked again ({@link OldPrimaryReachability}): it is judged
 * as not answering, as the plan did, and the detail says why.
 */
public final class CheckDataLossStep extends PromotionStep {
    private final Clock clock;
    private final Duration rpo;
    private final AlertSink alerts;
    private final Supplier<Optional<Instant>> primaryLastHeartbeat;
    private final OperatorCommands commands;

    /**
     * A step of its own run: it asks the old primary with the full timeout.
     *
     * @param primaryLastHeartbeat the newest heartbeat written on the old primary when the caller knows
     *     it (the daemon wrote it); empty makes the estimate assume the old primary wrote until now
     */
    public CheckDataLossStep(StepNodes nodes, Clock clock, Duration rpo, AlertSink alerts,
            Supplier<Optional<Instant>> primaryLastHeartbeat) {
        this(nodes, clock, rpo, alerts, primaryLastHeartbeat, OldPrimaryReachability.unknown(nodes));
    }

    /** @param known what this run knows about the old primary's reachability, shared by its steps */
    public CheckDataLossStep(StepNodes nodes, Clock clock, Duration rpo, AlertSink alerts,
            Supplier<Optional<Instant>> primaryLastHeartbeat, OldPrimaryReachability known) {
        this(nodes, clock, rpo, alerts, primaryLastHeartbeat, known, OperatorCommands.NONE);
    }

    /** @param commands the override command its alert names, with the process's {@code --config} */
    public CheckDataLossStep(StepNodes nodes, Clock clock, Duration rpo, AlertSink alerts,
            Supplier<Optional<Instant>> primaryLastHeartbeat, OldPrimaryReachability known, OperatorCommands commands) {
        super(StepName.CHECK_DATA_LOSS, nodes, known);
        this.commands = commands;
        this.clock = clock;
        this.rpo = rpo;
        this.alerts = alerts;
        this.primaryLastHeartbeat = primaryLastHeartbeat;
    }

    @Override
    public StepResult execute(StepContext ctx) throws SQLException {
        NodeState standby;
        long unapplied;
        try (DbSession db = nodes.open(ctx.toNode())) {
            standby = nodes.inspector().inspect(nodes.node(ctx.toNode()), db);
            unapplied = NodeOperations.unappliedTransactions(db);
        }
        Node oldNode = nodes.node(ctx.fromNode());
        StepNodes.OldPrimaryAnswer<NodeState> asked = nodes.askOldPrimary(ctx, name(), known,
                OldPrimaryReachability.Need.INFORMATION, db -> nodes.inspector().inspect(oldNode, db));
        NodeState old = asked.value().orElseGet(() -> NodeState.unreachable(oldNode,
                asked.note().isBlank() ? "no answer" : asked.note()));
        Instant now = clock.instant();
        Optional<Instant> lastWritten = primaryLastHeartbeat.get();
        if (lastWritten.isEmpty() && old.reachable() && old.heartbeatLagMs() != null) {
            lastWritten = Optional.of(now.minusMillis(old.heartbeatLagMs()));
        }
        DataLossEstimate loss = DataLossEstimator.estimate(now, rpo, old.reachable(), lastWritten,
                old.reachable() ? Optional.of(old.gtidBinlogPos()) : Optional.empty(),
                StandbySnapshot.from(standby, now));

        StringBuilder problems = new StringBuilder();
        if (!loss.withinRpo()) problems.append("the expected loss exceeds the RPO; ");
        if (old.reachable() && loss.missingTransactions() != null && loss.missingTransactions() > 0) {
            problems.append(loss.missingTransactions()).append(" transaction(s) of ").append(ctx.fromNode())
                    .append(" missing on ").append(ctx.toNode()).append(" (").append(String.join(",", loss.missingGtids()))
                    .append("); ");
        }
        if (unapplied > 0) problems.append(unapplied).append(" received transaction(s) not applied; ");
        String evidence = asked.notePrefix() + loss.explanation() + "; unapplied relay log transactions: " + unapplied;
        if (problems.isEmpty()) return StepResult.ok(evidence);
        if (!ctx.enforceRpo()) return StepResult.ok("RPO waived by --force: " + problems + evidence);
        alerts.send(new Alert(Severity.CRITICAL, ctx.cluster(),
                "promotion of " + ctx.toNode() + " stopped: data loss beyond the RPO",
                problems + evidence, "investigate; promote anyway with: " + commands.promote(true),
                AlertKind.PROMOTION_REFUSED, ctx.toNode()));
        return StepResult.failed(problems + evidence);
    }
}
