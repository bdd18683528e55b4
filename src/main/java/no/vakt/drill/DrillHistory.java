package no.vakt.drill;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;

/**
 * Past drills, from the journal's {@code drill} events and {@code restore-drill} events (fault "restore": the
 * restore time in the RTO column, the data age in the RPO ms column).
 */
public final class DrillHistory {
    /** How far back the journal is read: a year of daily drills between the monitor's state changes. */
    private static final int SCAN = 20_000;

    private DrillHistory() {}

    public record Entry(Instant at, String cluster, String fault, boolean passed, Long rtoMs, long rpoRows, long rpoMs,
            String reportDir, String summary) {}

    /** Oldest first. */
    public static List<Entry> read(Journal journal) {
        List<Entry> out = new ArrayList<>();
        for (JournalEvent e : journal.history(SCAN)) {
            JsonNode d = e.details();
            if (e.kind() == RestoreDrill.EVENT) {
                out.add(new Entry(e.at(), e.cluster(), "restore", d.path("passed").asBoolean(false), d.path("restore_ms").asLong(),
                        0, d.path("data_age_ms").asLong(0), d.path("report_dir").asText(null), e.summary()));
                continue;
            }
            if (e.kind() != EventKind.DRILL) continue;
            out.add(new Entry(e.at(), e.cluster(), d.path("fault").asText(null), d.path("passed").asBoolean(false),
                    d.path("rto_ms").isNumber() ? d.path("rto_ms").asLong() : null, d.path("rpo_rows").asLong(0),
                    d.path("rpo_ms").asLong(0), d.path("report_dir").asText(null), e.summary()));
        }
        return out;
    }

    public static String table(List<Entry> entries) {
        if (entries.isEmpty()) return "No drills yet. Run one: vakt drill --fault kill-db\n";
        StringBuilder sb = new StringBuilder(String.format("%-24s %-18s %-7s %10s %9s %9s  %s%n", "WHEN (UTC)", "FAULT",
                "RESULT", "RTO ms", "RPO rows", "RPO ms", "REPORT"));
        for (Entry e : entries) {
            sb.append(String.format("%-24s %-18s %-7s %10s %9d %9d  %s%n", e.at().toString(), e.fault(),
                    e.passed() ? "passed" : "FAILED", e.rtoMs() == null ? "-" : e.rtoMs().toString(), e.rpoRows(), e.rpoMs(),
                    e.reportDir() == null ? "" : e.reportDir()));
        }
        return sb.toString();
    }
}
