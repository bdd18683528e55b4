package no.vakt.traffic;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import no.vakt.config.Node;
import no.vakt.config.VaktConfig;

/**
 * What one traffic entry points at for each node ({@code targets: {oslo-db: 203.0.113.10}}), checked
 * against the config's nodes. Entries without a map get one value per node from a default.
 */
final class EntryTargets {
    private final String entry;
    private final Map<String, String> byNode;

    private EntryTargets(String entry, Map<String, String> byNode) {
        this.entry = entry;
        this.byNode = byNode;
    }

    /** For tests and callers that already hold a checked map. */
    static EntryTargets of(String entry, Map<String, String> byNode) {
        return new EntryTargets(entry, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byNode)));
    }

    /**
     * The configured map, or {@code fallback(node)} for every node when none is configured. A key that
     * names no node of the config is a configuration error, so it fails without retry.
     */
    static EntryTargets resolve(
            String entry, Map<String, String> configured, VaktConfig config, Function<Node, String> fallback)
            throws TrafficException {
        Map<String, String> map = new LinkedHashMap<>();
        if (configured == null || configured.isEmpty()) {
            for (Node n : config.nodes()) map.put(n.name(), fallback.apply(n));
        } else {
            List<String> known = config.nodes().stream().map(Node::name).toList();
            for (Map.Entry<String, String> e : configured.entrySet()) {
                if (!known.contains(e.getKey())) {
                    throw new TrafficException(entry + ": target '" + e.getKey() + "' names no node of the config; expected one of "
                            + String.join(", ", known), false);
                }
                map.put(e.getKey(), e.getValue());
            }
        }
        return new EntryTargets(entry, java.util.Collections.unmodifiableMap(map));
    }

    /** The value {@code node} maps to; a node the entry does not know fails without retry. */
    String valueFor(String node) throws TrafficException {
        String v = byNode.get(node);
        if (v == null) {
            throw new TrafficException(entry + ": no target for node '" + node + "'; configured for: "
                    + String.join(", ", byNode.keySet()), false);
        }
        return v;
    }

    /** The node whose value is the single value seen, or null when none (or several values) match. */
    String nodeFor(Collection<String> values, java.util.function.BiPredicate<String, String> same) {
        if (values.size() != 1) return null;
        String seen = values.iterator().next();
        return byNode.entrySet().stream()
                .filter(e -> same.test(e.getValue(), seen))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
    }

    String nodeFor(Collection<String> values) {
        return nodeFor(values, Objects::equals);
    }

    Map<String, String> asMap() {
        return byNode;
    }
}
