package no.vakt.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;

/**
 * Where the traffic switch stands, as the journal tells it, so every Vakt process reads the same answer:
 * after each whole switch (every entry applied towards one node) one {@link EventKind#TRAFFIC} event
 * records its result in the detail {@value #DETAIL}:
 *
 * <ul>
 *   <li>{@code switched}: every entry points at the node;
 *   <li>{@code pending}: at least one entry does not: the switch must be run again (by {@code vakt run}'s
 *       retry, or by hand with {@code vakt traffic apply});
 *   <li>{@code abandoned}: a pending switch that no longer applies (the node is not the live primary any
 *       more, or a later failover or switchover raised the epoch): nobody retries it.
 * </ul>
 *
 * The newest such event is the state; a journal without one has nothing pending.
 */
public final class TrafficState {
    /** The detail key of a whole switch's result. */
    public static final String DETAIL = "switch";
    public static final String SWITCHED = "switched";
    public static final String PENDING = "pending";
    public static final String ABANDONED = "abandoned";

    /**
     * How far back the newest state is searched: each whole switch writes two events per entry and then its
     * state, so 200 events reach the newest state of any config with fewer than 99 entries.
     */
    private static final int SEARCH = 200;

    private TrafficState() {}

    /**
     * A switch that failed and must run again.
     *
     * @param epoch the epoch the switch was made for (the failover's new epoch)
     * @param since when it first failed (the failover's HANDOVER, usually)
     * @param lastAttempt when it last failed
     * @param attempts whole switches towards this node that failed so far
     * @param error why the last one failed (secret-free)
     */
    public record Pending(String cluster, String node, long epoch, Instant since, Instant lastAttempt, int attempts,
            String error) {
        /** One sentence for a warning list; {@code command} re-runs the switch by hand. */
        public String warning(String command) {
            return "traffic switch to " + node + " PENDING since " + since + " (" + attempts
                    + (attempts == 1 ? " attempt" : " attempts") + "): " + error + "; users may still be sent to the"
                    + " old primary; vakt run retries it; once the cause is fixed, by hand: " + command;
        }
    }

    /** The switch that must run again, if the newest state says so. */
    public static Optional<Pending> pending(Journal journal, String cluster) {
        return newest(journal, cluster).filter(e -> PENDING.equals(e.details().path(DETAIL).asText()))
                .map(TrafficState::toPending);
    }

    /** Journals the result of a whole switch towards {@code node}: switched, or pending (counting the attempts). */
    static void record(Journal journal, String cluster, String node, long epoch, List<TrafficResult> results,
            Instant now) {
        List<TrafficResult> failed = results.stream().filter(r -> !r.ok()).toList();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("node", node);
        d.put("epoch", epoch);
        d.put("entries", results.size());
        d.put("failed", failed.size());
        if (failed.isEmpty()) {
            d.put(DETAIL, SWITCHED);
            append(journal, cluster, node, "traffic switched to " + node + ": every entry (" + results.size()
                    + ") points there", d);
            return;
        }
        String error = failed.stream().map(r -> "[" + r.index() + "] " + r.error()).collect(Collectors.joining("; "));
        Optional<Pending> before = journal == null ? Optional.empty() : pending(journal, cluster)
                .filter(p -> p.node().equals(node) && p.epoch() == epoch);
        Instant since = before.map(Pending::since).orElse(now);
        int attempts = before.map(p -> p.attempts() + 1).orElse(1);
        d.put(DETAIL, PENDING);
        d.put("pending_since", since.toString());
        d.put("attempts", attempts);
        d.put("error", error);
        append(journal, cluster, node, "traffic switch to " + node + " PENDING: " + failed.size() + " of "
                + results.size() + " entries failed: " + error, d);
    }

    /** Journals that {@code p} is no longer retried, and why. */
    public static void abandon(Journal journal, Pending p, String why) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(DETAIL, ABANDONED);
        d.put("node", p.node());
        d.put("epoch", p.epoch());
        d.put("pending_since", p.since().toString());
        d.put("reason", why);
        append(journal, p.cluster(), p.node(), "traffic switch to " + p.node() + " no longer retried: " + why, d);
    }

    private static Optional<JournalEvent> newest(Journal journal, String cluster) {
        List<JournalEvent> events = new ArrayList<>(journal.history(EventKind.TRAFFIC, SEARCH));
        for (int i = events.size() - 1; i >= 0; i--) {
            JournalEvent e = events.get(i);
            if (e.details() != null && e.details().hasNonNull(DETAIL) && java.util.Objects.equals(cluster, e.cluster())) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static Pending toPending(JournalEvent e) {
        JsonNode d = e.details();
        Instant since;
        try {
            since = Instant.parse(d.path("pending_since").asText());
        } catch (java.time.format.DateTimeParseException ex) {
            since = e.at();
        }
        return new Pending(e.cluster(), d.path("node").asText(e.node()), d.path("epoch").asLong(), since, e.at(),
                d.path("attempts").asInt(1), d.path("error").asText(""));
    }

    private static void append(Journal journal, String cluster, String node, String summary, Map<String, Object> d) {
        if (journal == null) return;
        journal.append(EventKind.TRAFFIC, cluster, node, summary, d);
    }
}
