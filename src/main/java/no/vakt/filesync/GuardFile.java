package no.vakt.filesync;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code .vakt/filesync-guard.json} next to the config: per target directory, the delete guard's hold and
 * the deletions propagated within its window. Shared by every Vakt process on the host, so neither a
 * restart of {@code vakt run} nor a {@code vakt sync} beside it releases what the other held back, and
 * {@code vakt sync --no-delete-guard} releases it for the running daemon too.
 */
final class GuardFile {
    static final String NAME = "filesync-guard.json";

    /**
     * One target directory's guard.
     *
     * @param heldSince when deletions were held back; null when they are not
     * @param heldSourceState the source's state then, null when the count tripped the guard
     * @param trigger why they were held back then
     * @param reason why they are held back now (re-evaluated)
     * @param deleted deletions propagated, by minute, within the window
     */
    record Target(Instant heldSince, String heldSourceState, String trigger, String reason, List<DeleteGuard.Bucket> deleted) {
        static final Target NONE = new Target(null, null, null, null, List.of());

        Target {
            deleted = deleted == null ? List.of() : List.copyOf(deleted);
        }

        DeleteGuard.Hold hold() {
            return heldSince == null ? null : new DeleteGuard.Hold(heldSince, heldSourceState, trigger);
        }
    }

    record Doc(Map<String, Target> targets) {
        static final Doc EMPTY = new Doc(Map.of());

        Doc {
            targets = targets == null ? Map.of() : Map.copyOf(targets);
        }
    }

    private final LockedJson<Doc> file;

    GuardFile(Path file) {
        this.file = new LockedJson<>(file, Doc.class, Doc.EMPTY);
    }

    /** Next to {@code configFile}, beside the status file. */
    static GuardFile forConfig(Path configFile) {
        return new GuardFile(StatusFile.forConfig(configFile).resolveSibling(NAME));
    }

    /** {@code node:/dir}: the target directory the state belongs to. */
    static String key(String node, Path dir) {
        return node + ":" + dir.toAbsolutePath().normalize();
    }

    Target get(String key) {
        return file.read().targets().getOrDefault(key, Target.NONE);
    }

    /** Applies {@code d}: the hold it keeps (or none), and {@code deleted} more deletions within the window. */
    Target apply(String key, DeleteGuard.Decision d, long deleted, Instant now, Duration window) {
        return change(key, t -> {
            DeleteGuard.Hold h = d.hold();
            List<DeleteGuard.Bucket> b = DeleteGuard.record(t.deleted(), now, deleted, window);
            return h == null ? new Target(null, null, null, null, b)
                    : new Target(h.since(), h.sourceState(), h.trigger(), d.reason(), b);
        });
    }

    /** An operator's override: no hold, and the window starts afresh (the deletions were wanted). */
    Target clear(String key) {
        return change(key, t -> Target.NONE);
    }

    private Target change(String key, java.util.function.UnaryOperator<Target> f) {
        Target[] out = new Target[1];
        file.update(doc -> {
            Map<String, Target> m = new LinkedHashMap<>(doc.targets());
            Target t = f.apply(m.getOrDefault(key, Target.NONE));
            out[0] = t;
            if (t.equals(Target.NONE)) m.remove(key);
            else m.put(key, t);
            return new Doc(m);
        });
        return out[0];
    }
}
