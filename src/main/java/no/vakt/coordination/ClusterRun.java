package no.vakt.coordination;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.StepOutcome;

/**
 * A failover as the agents share it in ZooKeeper ({@link ZooKeeperRuns}): what each agent's local journal
 * holds for it, plus who holds the run now and under which local id each agent journaled it.
 *
 * @param key the run's cluster-wide name: the agent that began it and its id in that agent's journal
 * @param agent the agent that holds (runs) it now; a new leader that adopts it writes its own name here
 * @param localIds each agent's journal id for this run, so an agent finds its own row after a restart
 * @param ending null while it runs
 * @param primaryLastWrite the bound on the old primary's newest write the run checks its data loss against
 */
public record ClusterRun(String key, String agent, Map<String, Long> localIds, String cluster, String fromNode,
        String toNode, String mode, String trigger, long epoch, Instant startedAt, Instant endedAt, FailoverEnding ending,
        String summary, Instant primaryLastWrite, List<Step> steps) {

    /** One step as run by {@code agent}; {@code outcome} null while it runs or when its agent died in it. */
    public record Step(String name, String agent, Instant startedAt, Instant endedAt, StepOutcome outcome, String detail) {}

    public ClusterRun {
        localIds = Map.copyOf(localIds);
        steps = List.copyOf(steps);
    }

    public boolean running() {
        return ending == null;
    }

    /** The journal id {@code agent} gave this run; -1 when it has not journaled it. */
    public long localId(String agentName) {
        Long id = localIds.get(agentName);
        return id == null ? -1 : id;
    }

    /** Held by {@code by} from now on, journaled there as {@code localId}; steps left open are closed as interrupted. */
    public ClusterRun adoptedBy(String by, long localId, Instant now) {
        Map<String, Long> ids = new LinkedHashMap<>(localIds);
        ids.put(by, localId);
        List<Step> closed = steps.stream().map(s -> s.outcome() != null ? s : new Step(s.name(), s.agent(), s.startedAt(),
                now, StepOutcome.FAILED, "interrupted: agent " + s.agent() + " lost its authority during this step")).toList();
        return new ClusterRun(key, by, ids, cluster, fromNode, toNode, mode, trigger, epoch, startedAt, endedAt, ending,
                summary, primaryLastWrite, closed);
    }

    public ClusterRun withStep(Step step) {
        List<Step> more = new ArrayList<>(steps);
        more.add(step);
        return withSteps(more);
    }

    /** The last step, if it is {@code name} and still open, ended as {@code outcome}. */
    public ClusterRun stepEnded(String name, Instant at, StepOutcome outcome, String detail) {
        List<Step> more = new ArrayList<>(steps);
        int last = more.size() - 1;
        if (last < 0 || !more.get(last).name().equals(name) || more.get(last).outcome() != null) return this;
        Step s = more.get(last);
        more.set(last, new Step(s.name(), s.agent(), s.startedAt(), at, outcome, detail));
        return withSteps(more);
    }

    public ClusterRun ended(Instant at, FailoverEnding how, String why) {
        return new ClusterRun(key, agent, localIds, cluster, fromNode, toNode, mode, trigger, epoch, startedAt, at, how,
                why, primaryLastWrite, steps);
    }

    private ClusterRun withSteps(List<Step> s) {
        return new ClusterRun(key, agent, localIds, cluster, fromNode, toNode, mode, trigger, epoch, startedAt, endedAt,
                ending, summary, primaryLastWrite, s);
    }
}
