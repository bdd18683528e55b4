package no.vakt.failover.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import no.vakt.config.Durations;
import no.vakt.config.FailoverMode;
import no.vakt.db.ReplicaStatus;
import no.vakt.failover.detect.PrimaryHealth;

/**
 * Decides whether and how to promote the standby. Pure: observations in, a {@link FailoverPlan} out.
 *
 * <p>The rules, in the order they are checked:
 * <ol>
 *   <li>Never overridable: a failover already running; an unreachable standby; for an automatic trigger,
 *       a primary the detector has not declared DOWN (an unreachable-from-monitor primary is an alert,
 *       never a failover).
 *   <li>Overridable by an operator's {@code --force}: the cooldown after the last completed failover
 *       (anti-flapping); an expected data loss beyond the RPO (or one that cannot be verified); for an
 *       operator, a primary that may still be serving where SQL fencing cannot reach it.
 *   <li>Then who decides: an automatic trigger proceeds only in automatic mode; manual mode waits for
 *       {@code vakt promote --confirm}; notify-only only alerts. An operator trigger ignores the mode (the
 *       mode governs what Vakt does alone) and proceeds once {@code --confirm} is given. A healthy,
 *       reachable old primary makes it a planned switchover: it is fenced first.
 * </ol>
 */
public final class FailoverPlanner {
    /** The approve commands without {@code --config}; a plan names them with the config in use ({@link PlanInput#commands}). */
    public static final String APPROVE = "vakt promote --confirm";
    public static final String APPROVE_FORCED = "vakt promote --confirm --force";

    private FailoverPlanner() {}

    public static FailoverPlan plan(PlanInput in) {
        DataLossEstimate loss = DataLossEstimator.estimateBeforeApply(in.now(), in.rpo(), in.oldPrimaryReachable(),
                in.primaryLastHeartbeat(), in.oldPrimaryBinlogPos(), in.standby());
        List<Refusal> blocking = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Trigger trigger = in.trigger();
        String from = in.oldPrimary();
        String to = in.standby().node();

        if (in.failoverRunning()) {
            blocking.add(new Refusal(RefusalReason.FAILOVER_IN_PROGRESS,
                    "a failover is already running (or a crashed one awaits recovery)"));
        }
        if (!in.standby().reachable()) {
            blocking.add(new Refusal(RefusalReason.STANDBY_UNREACHABLE, "standby " + to + " does not answer"));
        }
        PrimaryHealth health = in.primaryHealth();
        if (!trigger.isOperator() && health != PrimaryHealth.DOWN) {
            blocking.add(new Refusal(RefusalReason.PRIMARY_NOT_DOWN, notDownMessage(from, health)));
        }
        if (trigger.isOperator() && !in.oldPrimaryReachable() && health != PrimaryHealth.DOWN) {
            blocking.add(new Refusal(RefusalReason.PRIMARY_NOT_CONFIRMED_DOWN, "primary " + from + " is "
                    + health + ": it may still take writes and cannot be fenced over SQL; promoting now risks two"
                    + " writable primaries unless it is stopped by other means"));
        }
        if (in.lastFailoverEnd().isPresent()) {
            Instant until = in.lastFailoverEnd().get().plus(in.cooldown());
            if (in.now().isBefore(until)) {
                blocking.add(new Refusal(RefusalReason.COOLDOWN_ACTIVE, "the last failover ended at "
                        + in.lastFailoverEnd().get() + "; cooldown " + Durations.format(in.cooldown())
                        + " lasts until " + until));
            }
        }
        if (!loss.withinRpo()) {
            blocking.add(new Refusal(RefusalReason.RPO_EXCEEDED, loss.explanation()));
        }
        standbyWarnings(in, warnings);

        List<Refusal> hard = blocking.stream().filter(r -> !r.overridable()).toList();
        List<Refusal> soft = blocking.stream().filter(Refusal::overridable).toList();

        Decision decision;
        String approve = null;
        boolean enforceRpo = true;
        if (!hard.isEmpty()) {
            decision = Decision.REFUSE;
        } else if (!trigger.isOperator()) {
            if (!soft.isEmpty()) {
                decision = Decision.REFUSE;
                approve = in.commands().promote(true);
            } else {
                decision = switch (in.mode()) {
                    case AUTOMATIC -> Decision.PROCEED;
                    case MANUAL -> Decision.WAIT_FOR_OPERATOR;
                    case NOTIFY_ONLY -> Decision.NOTIFY_ONLY;
                };
                approve = in.mode() == FailoverMode.AUTOMATIC ? null : in.commands().promote(false);
            }
        } else if (!soft.isEmpty() && !trigger.force()) {
            decision = Decision.REFUSE;
            approve = in.commands().promote(true);
        } else {
            for (Refusal r : soft) warnings.add("overridden by --force: " + r);
            enforceRpo = !trigger.force();
            if (trigger.confirm()) {
                decision = Decision.PROCEED;
            } else {
                decision = Decision.WAIT_FOR_OPERATOR;
                approve = in.commands().promote(trigger.force());
            }
        }
        if (trigger.isOperator() && in.oldPrimaryReachable() && health == PrimaryHealth.HEALTHY) {
            warnings.add("primary " + from + " is healthy: this is a planned switchover, it is fenced first");
        }
        List<Refusal> refusals = decision == Decision.REFUSE ? blocking : List.of();
        long newEpoch = in.currentEpoch() + 1;
        return new FailoverPlan(in.cluster(), from, to, in.mode(), trigger, decision, refusals, warnings, approve,
                enforceRpo, in.currentEpoch(), newEpoch, loss, steps(in, from, to, newEpoch, enforceRpo));
    }

    private static String notDownMessage(String primary, PrimaryHealth health) {
        return switch (health) {
            case UNREACHABLE_FROM_MONITOR -> "primary " + primary + " is unreachable from the monitor only; the"
                    + " standby still receives from it: alert, never an automatic failover";
            case UNKNOWN -> "primary " + primary + " cannot be confirmed down (the standby cannot witness):"
                    + " no automatic failover on one witness";
            default -> "primary " + primary + " is " + health + ", not DOWN";
        };
    }

    private static void standbyWarnings(PlanInput in, List<String> warnings) {
        StandbySnapshot s = in.standby();
        if (!s.reachable()) return;
        if (!s.readOnly()) {
            warnings.add("standby " + s.node() + " is already writable (read_only=OFF)");
        }
        if (s.replica().isEmpty()) {
            warnings.add("standby " + s.node() + " has no replication configured");
        } else {
            ReplicaStatus r = s.replica().get();
            String err = r.lastSqlError() == null || r.lastSqlError().isBlank()
                    ? "" : "SQL " + r.lastSqlErrno() + ": " + r.lastSqlError();
            if (!r.sqlThreadRunning()) {
                warnings.add("standby " + s.node() + " SQL thread is not running" + (err.isBlank()
                        ? ": APPLY_RELAY_LOG starts it to apply the relay log"
                        : " (" + err + "): its relay log cannot be applied, received transactions would be lost"));
            }
        }
    }

    private static List<PlannedStep> steps(PlanInput in, String from, String to, long newEpoch, boolean enforceRpo) {
        String fence = in.oldPrimaryReachable()
                ? "on " + from + ": lock the application accounts that bypass read_only (READ ONLY ADMIN, e.g. ALL PRIVILEGES:"
                        + " MariaDB has no super_read_only), read_only=ON, kill client connections;"
                        + " then the fencing command if configured"
                : from + " does not answer, so SQL fencing is skipped; run the fencing command if configured";
        return List.of(
                new PlannedStep(StepName.FENCE_OLD_PRIMARY, fence),
                new PlannedStep(StepName.APPLY_RELAY_LOG, "let " + to + " apply its relay log, at most "
                        + Durations.format(in.maxApplyWait())),
                new PlannedStep(StepName.CHECK_DATA_LOSS, "recompute the expected loss; "
                        + (enforceRpo ? "stop if it exceeds the RPO " + Durations.format(in.rpo())
                                : "RPO " + Durations.format(in.rpo()) + " waived by --force, loss only reported")),
                new PlannedStep(StepName.PROMOTE_STANDBY, "on " + to + ": STOP SLAVE; RESET SLAVE ALL; read_only=OFF"),
                new PlannedStep(StepName.VERIFY_WRITE, "write and read back a row on " + to),
                new PlannedStep(StepName.HANDOVER, "make " + to + " the file-sync source, switch traffic to it (a failed"
                        + " switch leaves traffic pending, retried; it never undoes the promotion)"),
                new PlannedStep(StepName.BUMP_EPOCH, "epoch " + in.currentEpoch() + " -> " + newEpoch
                        + " in the journal and in " + to + "'s vakt.cluster"));
    }
}
