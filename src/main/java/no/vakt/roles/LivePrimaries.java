package no.vakt.roles;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import no.vakt.db.NodeState;

/**
 * Which nodes are live primaries (writable, replicating from nobody), read from the servers, with every
 * node's live role for messages. Traffic may go only where there is exactly one.
 *
 * @param nodes the live primaries, in config order
 * @param roles each node with its live role, e.g. "oslo-db idle, bergen-db primary"
 */
public record LivePrimaries(List<String> nodes, String roles) {
    public LivePrimaries {
        nodes = List.copyOf(nodes);
    }

    public static LivePrimaries of(List<NodeState> states) {
        return new LivePrimaries(
                states.stream().filter(s -> LiveRole.of(s) == LiveRole.PRIMARY).map(s -> s.node().name()).toList(),
                states.stream().map(s -> s.node().name() + " " + LiveRole.of(s).label()).collect(Collectors.joining(", ")));
    }

    /** The live primary when there is exactly one. */
    public Optional<String> single() {
        return nodes.size() == 1 ? Optional.of(nodes.get(0)) : Optional.empty();
    }

    /** Why there is no single live primary; only meaningful when {@link #single()} is empty. */
    public String whyNotSingle() {
        return nodes.isEmpty() ? "no node is a writable primary now"
                : nodes.size() + " nodes are writable (" + String.join(", ", nodes) + "): split brain";
    }
}
