package no.vakt.failover.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An ordered list of named steps with a marked point of no return, as {@link PlanExecutor} runs it: before
 * that step the first failure stops the run (and {@link RunHooks#undo} runs), from it on every step runs.
 *
 * @param steps in execution order, each name once
 * @param pointOfNoReturn the step after whose success there is no going back (a promotion)
 */
public record StepPlan(List<FailoverStep> steps, StepId pointOfNoReturn, RunHooks hooks) {
    public StepPlan {
        steps = List.copyOf(steps);
        Set<String> names = new HashSet<>();
        for (FailoverStep s : steps) {
            if (!names.add(s.name().name())) throw new IllegalArgumentException("two steps named " + s.name().name());
        }
        if (!names.contains(pointOfNoReturn.name())) {
            throw new IllegalArgumentException("no step for the point of no return " + pointOfNoReturn.name());
        }
    }

    /** A failover's plan: one step per {@link StepName}, run in that order, PROMOTE_STANDBY the point of no return. */
    public static StepPlan failover(List<FailoverStep> steps) {
        List<FailoverStep> ordered = new ArrayList<>();
        for (StepName n : StepName.values()) {
            List<FailoverStep> named = steps.stream().filter(s -> s.name().name().equals(n.name())).toList();
            if (named.isEmpty()) throw new IllegalArgumentException("no step for " + n);
            if (named.size() > 1) throw new IllegalArgumentException("two steps named " + n);
            ordered.add(named.get(0));
        }
        if (ordered.size() != steps.size()) {
            throw new IllegalArgumentException("a failover has only the steps of StepName: " + steps.stream()
                    .map(s -> s.name().name()).sorted(Comparator.naturalOrder()).toList());
        }
        return new StepPlan(ordered, StepName.PROMOTE_STANDBY, RunHooks.NONE);
    }

    /** The position of the step journaled as {@code name}; -1 when the plan has none. */
    int indexOf(String name) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).name().name().equals(name)) return i;
        }
        return -1;
    }
}
