package no.vakt.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.JournalJson;

/**
 * The journal's failovers as {@code vakt history --json} and {@code GET /api/history} both show them: each
 * record's own fields (camelCase, as journaled; {@code outcome} stays the journal's {@code completed},
 * {@code aborted}, ...; {@code ending} how it ended, the value to test: {@code completed},
 * {@code completed_traffic_pending}, {@code aborted_before_promotion}, {@code aborted_after_promotion},
 * {@code refused}, null while running), and right after {@code outcome}:
 *
 * <ul>
 *   <li>{@code label}: the outcome for people ({@link FailoverRecord#label}): {@code completed, traffic
 *       pending} for a failover that completed with its traffic switch failed;
 *   <li>{@code trafficPending}: true for such a failover. It says how the failover ended, not whether
 *       traffic is still pending now ({@code vakt run} retries the switch; the dashboard's
 *       {@code /api/metrics-summary} {@code traffic} part says where it stands).
 * </ul>
 */
public final class HistoryJson {
    private static final ObjectMapper JSON = JournalJson.mapper();

    private HistoryJson() {}

    public static List<JsonNode> failovers(List<FailoverRecord> records) {
        return records.stream().map(HistoryJson::failover).toList();
    }

    static JsonNode failover(FailoverRecord f) {
        ObjectNode journaled = JSON.valueToTree(f);
        ObjectNode out = JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = journaled.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.set(e.getKey(), e.getValue());
            if (e.getKey().equals("outcome")) {
                out.put("label", f.label());
                out.put("trafficPending", f.trafficPending());
            }
        }
        return out;
    }
}
