package no.vakt.coordination;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Whether a majority of the agents connected to ZooKeeper lost the primary (docs/ha.md, quorum detection).
 * Pure: decided over this agent's own look and the others' published observations, at {@code now}.
 * <ul>
 *   <li>The electorate is the agents connected now (their {@code /agents} node), this agent included.</li>
 *   <li>An agent counts as having lost the primary when its latest observation, of the same primary, no older
 *       than {@code maxAge}, says its probe did not answer. A missing, stale or other-primary observation
 *       counts as not lost: doubt never adds to a failover.</li>
 *   <li>DOWN needs more than half of the electorate. The standby's confirmation is the detector's, outside.</li>
 * </ul>
 *
 * @param lostBy the agents that lost the primary, sorted
 * @param seenBy the agents whose fresh observation says the primary answers, sorted
 */
public record QuorumVerdict(boolean down, int connected, int needed, List<String> lostBy, List<String> seenBy) {

    public static QuorumVerdict of(PrimaryObservation self, AgentViews views, Instant now, Duration maxAge) {
        TreeSet<String> electorate = new TreeSet<>(views.connected());
        electorate.add(self.agent());
        Map<String, PrimaryObservation> latest = views.observations().stream()
                .filter(o -> o.agent() != null && electorate.contains(o.agent()))
                .collect(Collectors.toMap(PrimaryObservation::agent, Function.identity(),
                        (a, b) -> a.at().isAfter(b.at()) ? a : b));
        latest.put(self.agent(), self);
        List<String> lost = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String agent : electorate) {
            PrimaryObservation o = latest.get(agent);
            if (o == null || !self.primary().equals(o.primary()) || stale(o, now, maxAge)) continue;
            (o.reachable() ? seen : lost).add(agent);
        }
        int needed = electorate.size() / 2 + 1;
        return new QuorumVerdict(lost.size() >= needed, electorate.size(), needed, List.copyOf(lost), List.copyOf(seen));
    }

    private static boolean stale(PrimaryObservation o, Instant now, Duration maxAge) {
        return o.at().isBefore(now.minus(maxAge));
    }

    /** For people: "2 of 3 connected agents lost db-oslo (oslo, witness); 2 needed". */
    public String describe(String primary) {
        return lostBy.size() + " of " + connected + " connected agents lost " + primary
                + (lostBy.isEmpty() ? "" : " (" + String.join(", ", lostBy) + ")") + "; " + needed + " needed"
                + (seenBy.isEmpty() ? "" : "; still reached by " + String.join(", ", seenBy));
    }
}
