package no.vakt.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import no.vakt.cluster.Severity;
import no.vakt.config.Durations;

/**
 * Decides which alerts go out, so a flapping check does not become an alert storm. Pure: the caller
 * passes the time and serialises the calls.
 *
 * <p>The first alert of a condition (cluster, {@link AlertKind}, node; the event text for
 * {@link AlertKind#OTHER}) is sent and opens a window of {@code window}. Repeats inside the window are
 * counted, not sent, unless they are more severe than what was sent (an escalation always goes out).
 * When the window ends with repeats, one summary goes out ("repeated 12 more times in 5m") and a new
 * window opens, so a condition that keeps flapping costs one message per window; a window that ends
 * quiet closes the group.
 *
 * <p>Conditions of one family (a problem and the recovery that resolves it, {@link AlertKind#resolves},
 * on the same cluster and node) are told in the order they happened: the newest alert of a family is its
 * current state, and only that state's summary goes out. Counts of the family's other conditions travel
 * with it as "before this: ..." (in the next alert of the family that is sent, or in the current state's
 * summary), never as a summary of their own after the state changed: a "replication broken (repeated 2
 * more times)" never arrives after "replication healthy again".
 */
final class AlertGrouper {
    /** What to do with one offered alert: send {@code send} (the alert, perhaps with a summary), or not. */
    record Verdict(Alert send, int repeat) {
        boolean deliver() {
            return send != null;
        }
    }

    private record Key(String cluster, AlertKind kind, String node, String event) {
        static Key of(Alert a) {
            return new Key(a.cluster(), a.kind(), a.node(), a.kind() == AlertKind.OTHER ? a.event() : null);
        }

        /** Same cluster and node, and the kinds are a problem and its recovery (or two problems one recovery ends). */
        boolean sameFamily(Key other) {
            if (equals(other)) return true;
            if (kind == AlertKind.OTHER || other.kind == AlertKind.OTHER) return false;
            if (!Objects.equals(cluster, other.cluster) || !Objects.equals(node, other.node)) return false;
            if (kind.resolves(other.kind) || other.kind.resolves(kind)) return true;
            for (AlertKind k : AlertKind.values()) {
                if (k.resolves(kind) && k.resolves(other.kind)) return true;
            }
            return false;
        }
    }

    /** Repeats of another condition of the family, counted but not sent, carried to the current state. */
    private record Earlier(String event, int repeats, Instant since) {
        Earlier plus(Earlier more) {
            return new Earlier(more.event, repeats + more.repeats, since.isBefore(more.since) ? since : more.since);
        }
    }

    private static final class Group {
        Instant windowStart;
        Instant firstSent;
        Severity sent;
        int pending;
        Alert last;
        Instant lastAt;
        /** Counts folded in from the family's other conditions, by condition, in the order first folded. */
        final Map<Key, Earlier> earlier = new LinkedHashMap<>();

        void addEarlier(Key key, Key own, Earlier e) {
            // Repeats of this very condition that travelled with another one come home as its own repeats.
            if (key.equals(own)) pending += e.repeats();
            else earlier.merge(key, e, Earlier::plus);
        }
    }

    private final Duration window;
    private final Map<Key, Group> groups = new LinkedHashMap<>();

    AlertGrouper(Duration window) {
        this.window = window;
    }

    Verdict offer(Alert a, Instant now) {
        if (window.isZero()) return new Verdict(a, 0);
        Key key = Key.of(a);
        Group g = groups.get(key);
        if (g != null && now.isBefore(g.windowStart.plus(window)) && a.severity().compareTo(g.sent) <= 0) {
            g.pending++;
            g.last = a;
            g.lastAt = now;
            // This condition is the family's current state now: the others' counts go with it.
            foldFamilyInto(key, g);
            return new Verdict(null, g.pending);
        }
        if (g == null || !now.isBefore(g.windowStart.plus(window))) {
            Group fresh = new Group();
            fresh.firstSent = now;
            if (g != null) fresh.earlier.putAll(g.earlier);
            g = fresh;
            groups.put(key, g);
        }
        g.windowStart = now;
        g.sent = g.sent == null || a.severity().compareTo(g.sent) > 0 ? a.severity() : g.sent;
        g.last = a;
        g.lastAt = now;
        foldFamilyInto(key, g);
        return new Verdict(withEarlier(a, g), 0);
    }

    /** Summaries of the windows that ended by {@code now}; quiet ones are closed. */
    List<Alert> expire(Instant now) {
        List<Alert> out = new ArrayList<>();
        for (Iterator<Map.Entry<Key, Group>> it = groups.entrySet().iterator(); it.hasNext(); ) {
            Group g = it.next().getValue();
            if (now.isBefore(g.windowStart.plus(window))) continue;
            if (g.pending == 0 && g.earlier.isEmpty()) {
                it.remove();
            } else {
                out.add(summary(g, "in " + Durations.format(window)));
                g.pending = 0;
                g.windowStart = now;
            }
        }
        return out;
    }

    /** Every pending count as a summary (at shutdown: nothing counted is lost). */
    List<Alert> flush() {
        List<Alert> out = new ArrayList<>();
        for (Group g : groups.values()) {
            if (g.pending > 0 || !g.earlier.isEmpty()) out.add(summary(g, "before Vakt stopped"));
        }
        groups.clear();
        return out;
    }

    /**
     * Moves the pending counts (and what they carried) of {@code key}'s family into {@code into}, so no
     * summary of a condition goes out after the family moved on to another one.
     */
    private void foldFamilyInto(Key key, Group into) {
        for (Map.Entry<Key, Group> e : groups.entrySet()) {
            Group other = e.getValue();
            if (other == into || !key.sameFamily(e.getKey())) continue;
            other.earlier.forEach((k, v) -> into.addEarlier(k, key, v));
            other.earlier.clear();
            if (other.pending > 0) {
                into.addEarlier(e.getKey(), key, new Earlier(other.last.event(), other.pending, other.firstSent));
                other.pending = 0;
            }
        }
    }

    /** {@code a} with the family's folded counts in its evidence; they are told, so they are cleared. */
    private static Alert withEarlier(Alert a, Group g) {
        if (g.earlier.isEmpty()) return a;
        String told = describe(g.earlier);
        g.earlier.clear();
        String evidence = a.evidence().isEmpty() ? "before this: " + told : a.evidence() + " | before this: " + told;
        return new Alert(a.severity(), a.cluster(), a.event(), evidence, a.action(), a.kind(), a.node(), a.link());
    }

    private static String describe(Map<Key, Earlier> earlier) {
        StringBuilder b = new StringBuilder();
        for (Earlier e : earlier.values()) {
            b.append(b.length() == 0 ? "" : "; ").append("'").append(e.event()).append("' repeated ")
                    .append(e.repeats()).append(e.repeats() == 1 ? " more time" : " more times").append(" since ")
                    .append(e.since());
        }
        return b.toString();
    }

    private static Alert summary(Group g, String when) {
        Alert l = g.last;
        String evidence = "first sent " + g.firstSent + ", last at " + g.lastAt + (l.evidence().isEmpty() ? "" : ": " + l.evidence());
        if (!g.earlier.isEmpty()) {
            evidence += " | before this: " + describe(g.earlier);
            g.earlier.clear();
        }
        String event = g.pending == 0 ? l.event()
                : l.event() + " (repeated " + g.pending + (g.pending == 1 ? " more time " : " more times ") + when + ")";
        return new Alert(g.sent, l.cluster(), event, evidence, l.action(), l.kind(), l.node(), l.link());
    }
}
