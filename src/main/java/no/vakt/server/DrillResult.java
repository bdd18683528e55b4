package no.vakt.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import no.vakt.journal.JournalEvent;

/**
 * A drill as the journal recorded it ({@code EventKind.DRILL}, written by {@code no.vakt.drill.Drill}):
 * details {@code passed} (boolean), {@code rto_ms} (fault to the first acknowledged write through the
 * service name) and {@code rpo_ms} (the time span of acknowledged writes the new primary lacks).
 *
 * @param outcome "passed" or "failed"; null when the event does not say
 * @param rtoMs / rpoMs the measured figures, null when the event does not carry them
 */
public record DrillResult(long id, Instant at, String summary, String outcome, Long rtoMs, Long rpoMs, JsonNode details) {
    public static DrillResult from(JournalEvent e) {
        JsonNode d = e.details();
        JsonNode passed = d == null ? null : d.get("passed");
        String outcome = passed == null || !passed.isBoolean() ? null : passed.asBoolean() ? "passed" : "failed";
        return new DrillResult(e.id(), e.at(), e.summary(), outcome, number(d, "rto_ms"), number(d, "rpo_ms"), d);
    }

    private static Long number(JsonNode d, String key) {
        JsonNode v = d == null ? null : d.get(key);
        return v != null && v.isNumber() ? v.asLong() : null;
    }

}
