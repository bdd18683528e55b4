package no.vakt.failover.plan;

import java.util.List;
import no.vakt.config.FailoverMode;
import no.vakt.journal.NewFailover;

/**
 * The planner's answer: what to do, why, and the ordered steps a promotion runs.
 *
 * @param refusals what blocks the promotion (empty unless the decision is REFUSE)
 * @param warnings facts the operator should know, including refusals overridden by {@code --force}
 * @param approveCommand the exact command a person runs to approve (null when none applies)
 * @param enforceRpo whether CHECK_DATA_LOSS must stop a promotion that exceeds the RPO (false only when forced)
 * @param steps the steps in execution order (listed for every decision, so a refusal still shows the plan)
 */
public record FailoverPlan(
        String cluster,
        String fromNode,
        String toNode,
        FailoverMode mode,
        Trigger trigger,
        Decision decision,
        List<Refusal> refusals,
        List<String> warnings,
        String approveCommand,
        boolean enforceRpo,
        long currentEpoch,
        long newEpoch,
        DataLossEstimate dataLoss,
        List<PlannedStep> steps) {

    public FailoverPlan {
        refusals = List.copyOf(refusals);
        warnings = List.copyOf(warnings);
        steps = List.copyOf(steps);
    }

    /** One line for logs and alerts. */
    public String summary() {
        String head = switch (decision) {
            case PROCEED -> "promote " + toNode + " (" + fromNode + " -> " + toNode + ", epoch " + newEpoch + ")";
            case WAIT_FOR_OPERATOR -> "promotion of " + toNode + " waits for an operator: " + approveCommand;
            case NOTIFY_ONLY -> "primary " + fromNode + " down; notify-only mode, Vakt does not promote";
            case REFUSE -> "promotion of " + toNode + " refused: "
                    + String.join("; ", refusals.stream().map(Refusal::message).toList());
        };
        return head;
    }

    /** What the journal records when this plan starts. */
    public NewFailover toNewFailover() {
        return new NewFailover(cluster, fromNode, toNode, mode.label(), trigger.label(), newEpoch);
    }

    /** The human-readable plan ({@code vakt promote --dry-run}). */
    public String render() {
        StringBuilder b = new StringBuilder();
        b.append("Failover plan for ").append(cluster == null ? "cluster" : cluster).append(": ")
                .append(fromNode).append(" -> ").append(toNode).append('\n');
        b.append("Decision: ").append(decision).append(" (mode ").append(mode.label())
                .append(", trigger ").append(trigger.label()).append(")\n");
        for (Refusal r : refusals) {
            b.append("  refused: ").append(r.reason()).append(": ").append(r.message())
                    .append(r.overridable() ? " [--force overrides]" : " [cannot be overridden]").append('\n');
        }
        for (String w : warnings) b.append("  warning: ").append(w).append('\n');
        if (approveCommand != null) b.append("Approve with: ").append(approveCommand).append('\n');
        b.append("Expected data loss: ").append(dataLoss.explanation()).append('\n');
        b.append("Epoch: ").append(currentEpoch).append(" -> ").append(newEpoch).append('\n');
        b.append("Steps:\n");
        int i = 1;
        for (PlannedStep s : steps) {
            b.append(String.format("  %d. %-18s %s%n", i++, s.name(), s.description()));
        }
        return b.toString();
    }
}
