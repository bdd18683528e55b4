package no.vakt.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import no.vakt.journal.EventKind;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.FailoverOutcome;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.traffic.TrafficState;

/**
 * What the dashboard and {@code /metrics} read from the journal, re-read at most every {@link #MAX_AGE} so
 * a scrape storm or many open dashboards do not hammer SQLite. Alert deliveries are counted incrementally
 * (only events newer than the last one seen are read), so the counters only grow, as Prometheus expects;
 * failovers are counted by their journaled ending, which never changes once written.
 */
public final class JournalFacts {
    /** The dashboard polls every 1-2 s; facts a second old are fresh enough. */
    static final Duration MAX_AGE = Duration.ofSeconds(1);
    /** Events read per query when following the journal. */
    static final int PAGE = 1000;
    /** Pages per refresh: a first read of a very large journal is spread over several refreshes. */
    static final int MAX_PAGES = 50;
    /** Drills the API returns. */
    static final int DRILLS = 50;
    /** Failovers looked at for the newest finished one. */
    private static final int RECENT_FAILOVERS = 5;

    /**
     * One consistent reading.
     *
     * @param alertDeliveries count per channel and outcome: an alert event's {@code channel} and
     *     {@code outcome} details, {@code none} / {@code raised} when absent (an alert raised, no delivery recorded)
     * @param trafficPending the traffic switch that failed and is being retried, when the journal's newest
     *     switch result says so ({@link TrafficState#pending}: the same answer {@code vakt run}'s retry acts on);
     *     null when traffic points where it should (or nothing ever failed, or the retry was abandoned)
     * @param failoversTrafficPending failovers and switchovers that ended "completed, traffic pending"
     *     ({@link FailoverEnding#COMPLETED_TRAFFIC_PENDING}): how they ended, whether or not a retry moved traffic since;
     *     they are counted as {@code COMPLETED} in {@code failovers} too
     * @param warmth the standby's warmth at the last warmup refresh journaled for this cluster; null before one
     */
    public record Facts(Instant readAt, Map<FailoverOutcome, Long> failovers, FailoverRecord lastFinishedFailover,
            FailoverRecord runningFailover, List<DrillResult> drills, Map<AlertDelivery, Long> alertDeliveries, long epoch,
            TrafficState.Pending trafficPending, long failoversTrafficPending, no.vakt.warmup.Warmth warmth) {

        public Optional<no.vakt.warmup.Warmth> lastWarmth() {
            return Optional.ofNullable(warmth);
        }

        public Optional<DrillResult> lastDrill() {
            return drills.isEmpty() ? Optional.empty() : Optional.of(drills.get(drills.size() - 1));
        }

        public long failoversTotal() {
            return failovers.values().stream().mapToLong(Long::longValue).sum();
        }

        public Long lastFailoverDurationMs() {
            FailoverRecord f = lastFinishedFailover;
            return f == null || f.endedAt() == null ? null : Duration.between(f.startedAt(), f.endedAt()).toMillis();
        }
    }

    /** What alert deliveries are counted by: the metric's {@code channel} and {@code outcome} tags. */
    public record AlertDelivery(String channel, String outcome) implements Comparable<AlertDelivery> {
        /** An alert raised, whatever its channels did. */
        static final AlertDelivery RAISED = new AlertDelivery("none", "raised");

        /** {@code channel|outcome}: the key {@code /api/metrics-summary} shows it by. */
        public String label() {
            return channel + "|" + outcome;
        }

        @Override
        public int compareTo(AlertDelivery o) {
            int c = channel.compareTo(o.channel);
            return c != 0 ? c : outcome.compareTo(o.outcome);
        }
    }

    private final Journal journal;
    private final String cluster;
    private final Clock clock;
    private final Map<AlertDelivery, Long> alertCounts = new TreeMap<>();
    private long lastEventId;
    private Facts facts;

    /** @param cluster the config's cluster: the traffic state is read for it only */
    public JournalFacts(Journal journal, String cluster, Clock clock) {
        this.journal = journal;
        this.cluster = cluster;
        this.clock = clock;
    }

    /** The facts, re-read when older than {@link #MAX_AGE}. */
    public synchronized Facts get() {
        Instant now = clock.instant();
        if (facts == null || Duration.between(facts.readAt(), now).compareTo(MAX_AGE) >= 0) {
            facts = read(now);
        }
        return facts;
    }

    /** Forgets the cached reading: the next {@link #get()} reads the journal (after an operator action). */
    public synchronized void invalidate() {
        facts = null;
    }

    private Facts read(Instant now) {
        follow();
        List<FailoverRecord> recent = journal.failovers(RECENT_FAILOVERS);
        FailoverRecord finished = recent.stream()
                .filter(f -> f.endedAt() != null && f.outcome() != FailoverOutcome.REFUSED).findFirst().orElse(null);
        FailoverRecord running = recent.stream().filter(f -> f.outcome() == FailoverOutcome.RUNNING).findFirst().orElse(null);
        List<DrillResult> drills = journal.history(EventKind.DRILL, DRILLS).stream().map(DrillResult::from).toList();
        return new Facts(now, journal.failoverCounts(), finished, running, drills, Map.copyOf(alertCounts),
                journal.currentEpoch(), TrafficState.pending(journal, cluster).orElse(null),
                journal.endingCounts().getOrDefault(FailoverEnding.COMPLETED_TRAFFIC_PENDING, 0L),
                no.vakt.warmup.Warmth.latest(journal, cluster).orElse(null));
    }

    private void follow() {
        for (int page = 0; page < MAX_PAGES; page++) {
            List<JournalEvent> events = journal.eventsAfter(lastEventId, PAGE);
            for (JournalEvent e : events) {
                lastEventId = e.id();
                // An alert raised counts once (channel "none"); each channel's delivery outcome once more.
                if (e.kind() == EventKind.ALERT) alertCounts.merge(AlertDelivery.RAISED, 1L, Long::sum);
                if (e.kind() == EventKind.ALERT_DELIVERY) {
                    alertCounts.merge(new AlertDelivery(detail(e.details(), "channel", "unknown"),
                            detail(e.details(), "outcome", "unknown")), 1L, Long::sum);
                }
            }
            if (events.size() < PAGE) return;
        }
    }

    private static String detail(JsonNode d, String key, String fallback) {
        JsonNode v = d == null ? null : d.get(key);
        return v == null || v.isNull() || v.asText().isBlank() ? fallback : v.asText();
    }
}
