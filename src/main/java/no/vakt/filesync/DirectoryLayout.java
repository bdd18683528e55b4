package no.vakt.filesync;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import no.vakt.config.Node;
import no.vakt.config.Role;
import no.vakt.config.SyncDirectory;
import no.vakt.config.VaktConfig;

/**
 * Which physical directory is which node's, and the trap of the {@code path}/{@code target} shorthand:
 * those two follow the {@code role:} fields, so an operator who swaps the roles after a failover (as the
 * new layout suggests) silently swaps which directory Vakt treats as which node's, and the next sync
 * pushes one site's uploads over the other's, deleting what only the other had.
 *
 * <p>Vakt records, the first time file sync runs or changes direction, each directory's node-to-path
 * mapping in {@code .vakt/filesync-layout.json} next to the config. When the config later maps a recorded
 * path to the other node, that directory is refused (nothing is copied or deleted) with the fix, and
 * {@code vakt check} reports it ({@code files-layout}). Pure: {@link LayoutFile} reads and writes the record.
 */
public final class DirectoryLayout {
    private DirectoryLayout() {}

    /**
     * One directory as recorded.
     *
     * @param paths node name to that node's directory (absolute)
     * @param recordedAt when this mapping was first recorded
     */
    public record Entry(Map<String, String> paths, Instant recordedAt) {
        public Entry {
            paths = paths == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(paths));
        }

        boolean samePaths(Entry o) {
            return paths.equals(o.paths);
        }

        String describe() {
            return paths.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "));
        }
    }

    /** The record in {@code .vakt/filesync-layout.json}. */
    public record Recorded(String cluster, List<Entry> directories) {
        static final Recorded NONE = new Recorded(null, List.of());

        public Recorded {
            directories = directories == null ? List.of() : List.copyOf(directories);
        }
    }

    /**
     * Why one directory is refused.
     *
     * @param what what is wrong, naming the config file and field
     * @param fix what to change
     */
    public record Problem(String what, String fix) {
        /** One sentence for logs, alerts and status. */
        public String text() {
            return what + ". Nothing is copied or deleted in this directory until it is fixed: " + fix;
        }
    }

    /**
     * The verdict on the configured directories against the record.
     *
     * @param problems one per configured directory, in config order: null when it may be synced, else why
     *     not and what to change
     * @param learned the record to keep: the usable configured directories, plus whatever it held that they
     *     do not replace (a refused directory keeps its recorded mapping)
     */
    public record Verdict(List<Problem> problems, Recorded learned) {
        public boolean refuses(int index) {
            return problems.get(index) != null;
        }

        /** The sentence for directory {@code index}; null when it is not refused. */
        public String text(int index) {
            Problem p = problems.get(index);
            return p == null ? null : p.text();
        }
    }

    /** The configured mapping of one directory: node name to absolute path, both nodes; null when unusable. */
    static Entry configured(SyncDirectory d, VaktConfig config, Instant now) {
        Map<String, Path> byNode = d.byNode(config);
        if (byNode == null) return null;
        Map<String, String> m = new LinkedHashMap<>();
        byNode.forEach((n, p) -> m.put(n, p.toAbsolutePath().normalize().toString()));
        return new Entry(m, now);
    }

    /**
     * Judges every configured directory against {@code recorded}.
     *
     * @param where how to name the config in messages ("/etc/vakt/vakt.yml")
     */
    public static Verdict judge(VaktConfig config, Recorded recorded, String where, Instant now) {
        List<SyncDirectory> dirs = config.files().directories();
        List<Problem> problems = new ArrayList<>();
        List<Entry> keep = new ArrayList<>();
        List<Entry> old = recorded.cluster() == null || recorded.cluster().equals(config.cluster())
                ? recorded.directories() : List.of();
        List<Entry> usable = new ArrayList<>();
        List<Entry> conflicting = new ArrayList<>();
        for (int i = 0; i < dirs.size(); i++) {
            SyncDirectory d = dirs.get(i);
            String field = "files.directories[" + i + "]";
            String nodes = d.nodeProblem(config);
            if (nodes != null) {
                problems.add(new Problem(field + " in " + where + ": " + nodes,
                        "name each node of the config under paths:, or use path: and target:"));
                continue;
            }
            Entry c = configured(d, config, now);
            Problem problem = null;
            for (Entry r : old) {
                Problem why = conflict(c, r, d, config, field, where);
                if (why == null) continue;
                if (problem == null) problem = why;
                conflicting.add(r);
            }
            problems.add(problem);
            if (problem == null) usable.add(old.stream().filter(r -> r.samePaths(c)).findFirst().orElse(c));
        }
        // The record keeps: the usable directories; what a refused one conflicts with (still the truth); and
        // entries no usable directory touches (a directory left out of the config for now is still known).
        for (Entry c : usable) add(keep, c);
        for (Entry r : old) {
            if (conflicting.contains(r) || usable.stream().noneMatch(c -> overlaps(c, r))) add(keep, r);
        }
        return new Verdict(problems, new Recorded(config.cluster(), keep));
    }

    private static void add(List<Entry> list, Entry e) {
        if (list.stream().noneMatch(k -> k.samePaths(e))) list.add(e);
    }

    /** The same node keeps the same path for at least one node: the configured entry replaces the record. */
    private static boolean overlaps(Entry c, Entry r) {
        return c.paths().entrySet().stream().anyMatch(e -> e.getValue().equals(r.paths().get(e.getKey())));
    }

    /**
     * Non-null when {@code c} gives a path that {@code r} recorded as the other node's (and not as this
     * node's too): the directory would change nodes.
     */
    private static Problem conflict(Entry c, Entry r, SyncDirectory d, VaktConfig config, String field, String where) {
        if (!r.paths().keySet().equals(c.paths().keySet())) return null; // recorded for other nodes: not ours
        List<String> moved = new ArrayList<>();
        for (Map.Entry<String, String> e : c.paths().entrySet()) {
            String node = e.getKey();
            String path = e.getValue();
            if (path.equals(r.paths().get(node)) || !r.paths().containsValue(path)) continue;
            String key = d.perNode() ? "" : config.node(node).map(Node::role).orElse(Role.STANDBY) == Role.PRIMARY
                    ? "path: " : "target: ";
            moved.add(key + path + " as " + node + "'s");
        }
        if (moved.isEmpty()) return null;
        String why = d.perNode() ? ""
                : " (path: is the directory of the node configured role: primary, now " + config.primary().name()
                        + "; target: the standby's, now " + config.standby().name() + ")";
        String fix = d.perNode() ? "correct paths: to " + flow(r)
                : "the role: fields were changed without path: and target:; swap path: and target: in " + field
                        + ", or name each node's directory: paths: " + flow(r);
        return new Problem(field + " in " + where + " now takes " + String.join(" and ", moved) + " directory" + why
                + ", but file sync recorded " + flow(r) + " on " + r.recordedAt() + "; syncing would push one node's files"
                + " over the other's and delete what only the other has",
                fix + " (if the directories really moved, delete .vakt/" + LayoutFile.NAME + " next to the config)");
    }

    private static String flow(Entry r) {
        return "{" + r.describe() + "}";
    }
}
