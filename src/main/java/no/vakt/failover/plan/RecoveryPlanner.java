package no.vakt.failover.plan;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.vakt.journal.StepOutcome;
import no.vakt.journal.StepRecord;

/**
 * Settles a failover that a crash (kill -9 of {@code vakt run}) left running. Pure: the journal's
 * record and what the nodes say now, in; a {@link RecoveryPlan} out.
 *
 * <p>First invariant, before anything else: never two writable primaries. When both nodes are
 * writable, the one with the lower epoch is fenced; on equal epochs (the crash came before BUMP_EPOCH)
 * the journal decides: once PROMOTE_STANDBY had started the target wins, before that the old primary.
 * If the old primary holds the higher epoch after the promotion had started, something outside this
 * failover changed the cluster: the target is fenced and the failover stops.
 *
 * <p>Then the point of no return, PROMOTE_STANDBY, splits the cases:
 * <ul>
 *   <li>Not started: nothing irreversible happened. If the old primary is writable again it keeps
 *       serving and the failover stops (the detector decides afresh). If the standby does not answer,
 *       the failover stops. Otherwise it resumes from the first unfinished step; every step is safe to
 *       repeat and CHECK_DATA_LOSS re-verifies with fresh numbers.
 *   <li>Started: the old primary must never serve again, so a writable old primary is fenced. If every
 *       step is done, or only BUMP_EPOCH is unfinished but the epoch is already in both the journal and
 *       the target, it is marked completed. If the target does not answer: when PROMOTE_STANDBY had not
 *       finished, the failover stops (a person must look: there may be no writable primary); when it had,
 *       the point of no return is behind us and the remaining steps run (HANDOVER turns file sync to the
 *       target, BUMP_EPOCH records the epoch in the journal; what needs the target itself fails and is
 *       reported). If PROMOTE_STANDBY finished but the target is read-only again, someone intervened: stop
 *       rather than fight them. Otherwise resume.
 * </ul>
 */
public final class RecoveryPlanner {
    private RecoveryPlanner() {}

    public static RecoveryPlan plan(RecoveryInput in) {
        long id = in.failover().id();
        NodeView old = in.oldPrimary();
        NodeView target = in.target();
        Map<StepName, StepRecord> last = lastRuns(in.failover().steps());
        boolean promotionStarted = last.keySet().stream().anyMatch(StepName::promotesOrLater);
        Optional<StepName> firstUnfinished = firstUnfinished(last);
        List<String> fence = new ArrayList<>();
        List<String> why = new ArrayList<>();
        why.add("failover " + id + " (" + old.name() + " -> " + target.name() + ", epoch " + in.failover().epoch()
                + ") was interrupted; " + describe(old) + "; " + describe(target)
                + "; promotion " + (promotionStarted ? "had started" : "had not started"));

        if (old.writable() && target.writable()) {
            NodeView loser;
            if (old.epochOrZero() != target.epochOrZero()) {
                loser = old.epochOrZero() < target.epochOrZero() ? old : target;
                why.add("both are writable: fence " + loser.name() + ", it has the lower epoch");
            } else {
                loser = promotionStarted ? old : target;
                why.add("both are writable with epoch " + old.epochOrZero() + ": fence " + loser.name()
                        + (promotionStarted ? ", the promotion had started" : ", the promotion had not started"));
            }
            fence.add(loser.name());
            if (loser == old) old = old.fenced();
            else target = target.fenced();
        }

        if (!promotionStarted) {
            if (old.writable()) {
                why.add("nothing irreversible happened and " + old.name() + " is writable again: it keeps serving,"
                        + " the failover stops and detection decides afresh");
                return new RecoveryPlan(id, fence, RecoveryAction.ABORT_SAFELY, null, String.join("; ", why));
            }
            if (!target.reachable()) {
                why.add("the standby does not answer: the failover stops; " + old.name()
                        + " stays as it is (fenced or down) until a person acts");
                return new RecoveryPlan(id, fence, RecoveryAction.ABORT_SAFELY, null, String.join("; ", why));
            }
            StepName from = firstUnfinished.orElse(StepName.PROMOTE_STANDBY);
            why.add("resume from " + from + " (steps are safe to repeat; the data loss is checked again)");
            return new RecoveryPlan(id, fence, RecoveryAction.RESUME_FROM, from, String.join("; ", why));
        }

        if (fence.contains(target.name())) {
            // The old primary holds a higher epoch than the node this failover promotes: something outside
            // this failover changed the cluster. Keep the fencing-token order and let a person look.
            why.add(old.name() + " holds the higher epoch although the promotion of " + target.name()
                    + " had started: something outside this failover changed the cluster; the failover stops");
            return new RecoveryPlan(id, fence, RecoveryAction.ABORT_SAFELY, null, String.join("; ", why));
        }
        if (old.writable()) {
            fence.add(old.name());
            why.add("the promotion had started, so " + old.name() + " must not take writes: fence it");
        }
        if (firstUnfinished.isEmpty()) {
            why.add("every step had finished: only the journal's end mark is missing");
            return new RecoveryPlan(id, fence, RecoveryAction.MARK_COMPLETED, null, String.join("; ", why));
        }
        StepName from = firstUnfinished.get();
        if (!target.reachable()) {
            if (from.compareTo(StepName.PROMOTE_STANDBY) <= 0) {
                why.add(target.name() + " does not answer and its promotion had not finished: the failover stops;"
                        + " there may be no writable primary until a person acts");
                return new RecoveryPlan(id, fence, RecoveryAction.ABORT_SAFELY, null, String.join("; ", why));
            }
            why.add(target.name() + " does not answer, but its promotion had finished (past the point of no return):"
                    + " resume from " + from + " so file sync turns to it and the journal records epoch "
                    + in.failover().epoch() + "; what needs " + target.name() + " itself fails until it answers");
            return new RecoveryPlan(id, fence, RecoveryAction.RESUME_FROM, from, String.join("; ", why));
        }
        if (!target.writable()) {
            if (from.compareTo(StepName.PROMOTE_STANDBY) > 0) {
                why.add("the promotion of " + target.name() + " had finished but it is read-only now: someone"
                        + " intervened; the failover stops");
                return new RecoveryPlan(id, fence, RecoveryAction.ABORT_SAFELY, null, String.join("; ", why));
            }
        } else if (from == StepName.BUMP_EPOCH && target.epochOrZero() >= in.failover().epoch()
                && in.journalEpoch() >= in.failover().epoch()) {
            why.add("epoch " + in.failover().epoch() + " is already in the journal and in " + target.name());
            return new RecoveryPlan(id, fence, RecoveryAction.MARK_COMPLETED, null, String.join("; ", why));
        }
        why.add("resume from " + from);
        return new RecoveryPlan(id, fence, RecoveryAction.RESUME_FROM, from, String.join("; ", why));
    }

    /** The latest row per known step name (a step retried after a crash has several rows). */
    private static Map<StepName, StepRecord> lastRuns(List<StepRecord> steps) {
        Map<StepName, StepRecord> out = new EnumMap<>(StepName.class);
        for (StepRecord s : steps) {
            for (StepName n : StepName.values()) {
                if (n.name().equals(s.name())) out.put(n, s);
            }
        }
        return out;
    }

    private static Optional<StepName> firstUnfinished(Map<StepName, StepRecord> last) {
        for (StepName n : StepName.values()) {
            StepRecord r = last.get(n);
            if (r == null || (r.outcome() != StepOutcome.OK && r.outcome() != StepOutcome.SKIPPED)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    private static String describe(NodeView n) {
        if (!n.reachable()) return n.name() + " does not answer";
        return n.name() + " is " + (n.writable() ? "writable" : "read-only")
                + (n.replicating() ? ", replicating" : "")
                + ", epoch " + (n.epoch() == null ? "none" : n.epoch());
    }
}
