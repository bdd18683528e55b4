package no.vakt.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import no.vakt.filesync.DirectoryLayout;

/**
 * One directory kept in sync, written one of two ways:
 * <ul>
 * <li>per node, {@code paths: {oslo-db: /srv/oslo/uploads, bergen-db: /srv/bergen/uploads}}: each node's
 *     directory by node name, whatever the {@code role:} fields say. The safe form when the paths differ.</li>
 * <li>the shorthand {@code path:} + {@code target:}: {@code path} is on the node configured
 *     {@code role: primary}, {@code target} on the node configured {@code role: standby}. Swapping the
 *     {@code role:} fields therefore swaps which node each path belongs to; {@link DirectoryLayout}
 *     notices when that would move a recorded directory to the other node and refuses it.</li>
 * </ul>
 *
 * @param path the directory on the node configured as primary (shorthand form), else null
 * @param target the same directory on the node configured as standby (shorthand form), else null
 * @param paths node name to that node's directory (per-node form), else empty
 * @param requireMount when true, the source must be a mount point (its device differs from its
 *     parent's); an unmounted source is then never taken for an emptied one
 */
public record SyncDirectory(Path path, Path target, Map<String, Path> paths, Boolean requireMount) {
    public SyncDirectory {
        requireMount = requireMount != null && requireMount;
        if (paths != null && !paths.isEmpty()) {
            if (path != null || target != null) {
                throw new IllegalArgumentException("files.directories: expected either paths: (the directory on each node)"
                        + " or path: and target:, not both");
            }
            if (paths.size() != 2) {
                throw new IllegalArgumentException("files.directories: paths: expected the directory on each of the two"
                        + " nodes, by node name (got " + paths.size() + ")");
            }
            for (Map.Entry<String, Path> e : paths.entrySet()) {
                if (e.getValue() == null) {
                    throw new IllegalArgumentException("files.directories: paths: expected a directory for " + e.getKey());
                }
            }
            paths = Collections.unmodifiableMap(new LinkedHashMap<>(paths));
        } else {
            if (path == null) {
                throw new IllegalArgumentException("files.directories: expected path: (the directory on the primary's node)"
                        + " and target:, or paths: {NODE: DIR, NODE: DIR}");
            }
            if (target == null) {
                throw new IllegalArgumentException("files.directories: expected target: (the directory on the standby's node)");
            }
            paths = Map.of();
        }
    }

    /** True for the {@code paths:} form, whose mapping does not depend on the {@code role:} fields. */
    public boolean perNode() {
        return !paths.isEmpty();
    }

    /**
     * The directory on {@code node}'s side: from {@code paths} by name, else {@code path} for the node
     * configured primary and {@code target} for the standby.
     *
     * @throws IllegalArgumentException when {@code paths} does not name the node
     */
    public Path on(Node node) {
        if (perNode()) {
            Path p = paths.get(node.name());
            if (p == null) {
                throw new IllegalArgumentException("files.directories: paths: names " + String.join(", ", paths.keySet())
                        + " but not the node " + node.name());
            }
            return p;
        }
        return node.role() == Role.PRIMARY ? path : target;
    }

    /**
     * Node name to that node's directory for both nodes of {@code config}, in the config's node order;
     * null when {@code paths} does not name exactly the config's two nodes (see {@link #nodeProblem}).
     */
    public Map<String, Path> byNode(VaktConfig config) {
        if (nodeProblem(config) != null) return null;
        Map<String, Path> m = new LinkedHashMap<>();
        for (Node n : config.nodes()) m.put(n.name(), on(n));
        return m;
    }

    /** Why {@code paths} does not fit {@code config}'s nodes; null when it does (always for the shorthand). */
    public String nodeProblem(VaktConfig config) {
        if (!perNode()) return null;
        for (String name : paths.keySet()) {
            if (config.node(name).isEmpty()) {
                return "paths: names " + name + ", which is not a node of this config (nodes: "
                        + String.join(", ", config.nodes().stream().map(Node::name).toList()) + ")";
            }
        }
        return null;
    }

    /** A stable name for messages and metrics: {@code path} of the shorthand, else the first {@code paths} entry. */
    public String label() {
        return perNode() ? paths.values().iterator().next().toString() : path.toString();
    }
}
