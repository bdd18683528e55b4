package no.vakt.coordination;

import java.util.List;
import java.util.Set;

/**
 * What the leader knows of the other agents now: who is connected to ZooKeeper (has its {@code /agents} node)
 * and the observations they published. Read from caches: never blocks.
 */
public record AgentViews(Set<String> connected, List<PrimaryObservation> observations) {
    public AgentViews {
        connected = Set.copyOf(connected);
        observations = List.copyOf(observations);
    }
}
