package no.vakt.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import no.vakt.journal.JournalEvent;

/**
 * A drill as the journal recorded it ({@code EventKind.DRILL}). The drill writes its measured figures
 * into the event's details: {@code rto-ms} (how long the application could not write) and {@code rpo-ms}
 * (how much data the promotion lost, in time), and {@code outcome}. The few spellings a writer may use
 * for them are accepted here, in one place.
 *
 * @param rtoMs / rpoMs the measured figures, null when the event does not carry them
 */
public record DrillResult(long id, Instant at, String summary, String outcome, Long rtoMs, Long rpoMs, JsonNode details) {
    public static DrillResult from(JournalEvent e) {
        JsonNode d = e.details();
        return new DrillResult(e.id(), e.at(), e.summary(), text(d, "outcome", "result", "status"),
                number(d, "rto-ms", "measured-rto-ms", "rto_ms", "rtoMs"),
                number(d, "rpo-ms", "measured-rpo-ms", "rpo_ms", "rpoMs"), d);
    }

    private static Long number(JsonNode d, String... keys) {
        if (d == null) return null;
        for (String k : keys) {
            JsonNode v = d.get(k);
            if (v != null && v.isNumber()) return v.asLong();
            if (v != null && v.isTextual() && v.asText().matches("\\d+")) return Long.parseLong(v.asText());
        }
        return null;
    }

    private static String text(JsonNode d, String... keys) {
        if (d == null) return null;
        for (String k : keys) {
            JsonNode v = d.get(k);
            if (v != null && !v.isNull() && !v.isContainerNode()) return v.asText();
        }
        return null;
    }
}
