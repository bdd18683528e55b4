package no.vakt.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * quiet closes the group. An alert that resolves a condition ({@link AlertKind#resolves}) carries the
 * problem's pending count when it goes out.
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
    }

    private static final class Group {
        Instant windowStart;
        Instant firstSent;
        Severity sent;
        int pending;
        Alert last;
        Instant lastAt;
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
            return new Verdict(null, g.pending);
        }
        if (g == null || !now.isBefore(g.windowStart.plus(window))) {
            g = new Group();
            g.firstSent = now;
            groups.put(key, g);
        }
        g.windowStart = now;
        g.sent = g.sent == null || a.severity().compareTo(g.sent) > 0 ? a.severity() : g.sent;
        return new Verdict(withResolvedCounts(a, now), 0);
    }

    /** Summaries of the windows that ended by {@code now}; quiet ones are closed. */
    List<Alert> expire(Instant now) {
        List<Alert> out = new ArrayList<>();
        for (Iterator<Map.Entry<Key, Group>> it = groups.entrySet().iterator(); it.hasNext(); ) {
            Group g = it.next().getValue();
            if (now.isBefore(g.windowStart.plus(window))) continue;
            if (g.pending == 0) {
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
            if (g.pending > 0) out.add(summary(g, "before Vakt stopped"));
        }
        groups.clear();
        return out;
    }

    private Alert withResolvedCounts(Alert a, Instant now) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<Key, Group> e : groups.entrySet()) {
            Key k = e.getKey();
            Group g = e.getValue();
            if (g.pending == 0 || !a.kind().resolves(k.kind()) || !Objects.equals(k.cluster(), a.cluster())
                    || !Objects.equals(k.node(), a.node())) continue;
            b.append(b.length() == 0 ? "" : "; ").append("'").append(g.last.event()).append("' repeated ")
                    .append(g.pending).append(g.pending == 1 ? " more time" : " more times").append(" since ")
                    .append(g.firstSent);
            g.pending = 0;
        }
        if (b.length() == 0) return a;
        String evidence = a.evidence().isEmpty() ? "before this: " + b : a.evidence() + " | before this: " + b;
        return new Alert(a.severity(), a.cluster(), a.event(), evidence, a.action(), a.kind(), a.node(), a.link());
    }

    private static Alert summary(Group g, String when) {
        Alert l = g.last;
        return new Alert(g.sent, l.cluster(), l.event() + " (repeated " + g.pending
                + (g.pending == 1 ? " more time " : " more times ") + when + ")",
                "first sent " + g.firstSent + ", last at " + g.lastAt + (l.evidence().isEmpty() ? "" : ": " + l.evidence()),
                l.action(), l.kind(), l.node(), l.link());
    }
}
