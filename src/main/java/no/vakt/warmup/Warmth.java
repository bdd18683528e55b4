package no.vakt.warmup;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;

/**
 * The standby's warmth as the surfaces show it (vakt status, /metrics, the dashboard): from the last refresh,
 * journaled by {@code vakt run} so that a separate {@code vakt status} reads it too.
 *
 * @param at when the last refresh ended
 * @param standby the node it warmed
 * @param warmth share of the primary's hot set that was resident on the standby when the refresh read it, 0..1
 * @param pagesAsked pages the refresh read (its budget counts these)
 * @param physicalReads of those, read from the standby's disk
 */
public record Warmth(Instant at, String standby, double warmth, long pagesAsked, long physicalReads) {

    /** Journals one refresh; the journal's own failures are the caller's to log. */
    public static void record(Journal journal, String cluster, WarmupResult r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("primary", r.primary());
        d.put("warmth", Math.round(r.warmth() * 1000) / 1000.0);
        d.put("pages_asked", r.pagesAsked());
        d.put("physical_reads", r.physicalReads());
        d.put("ranges", r.ranges());
        d.put("took_ms", r.took().toMillis());
        d.put("scan_ms", r.scanMillis());
        d.put("stopped_for_lag", r.stoppedForLag());
        journal.append(EventKind.WARMUP, cluster, r.standby(), r.summary(), d);
    }

    /** The newest journaled refresh of {@code cluster}. */
    public static Optional<Warmth> latest(Journal journal, String cluster) {
        return journal.latest(EventKind.WARMUP, cluster).map(Warmth::of);
    }

    private static Warmth of(JournalEvent e) {
        JsonNode d = e.details();
        return new Warmth(e.at(), e.node(), d.path("warmth").asDouble(), d.path("pages_asked").asLong(),
                d.path("physical_reads").asLong());
    }

    /** One line for vakt status. */
    public String line(Instant now) {
        long minutes = Duration.between(at, now).toMinutes();
        return String.format(Locale.ROOT, "standby warmth: %.0f %% of the primary's hot set was resident on %s at the"
                + " last refresh (%s, %d min ago; %d pages read, %d from disk)", 100 * warmth, standby, at, minutes,
                pagesAsked, physicalReads);
    }
}
