package no.vakt.traffic;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;
import no.vakt.config.VaktConfig;

/** Where each configured traffic entry points now, as its authority answers: {@code vakt traffic show}. */
public final class TrafficView {
    private TrafficView() {}

    /**
     * One entry as read.
     *
     * @param index position in {@code traffic:}
     * @param type the entry's {@code type:}
     * @param entry the provider's description ("rfc2136 app.example.org. A @192.0.2.53:53")
     * @param values what the authority answers (addresses, or server=state for a balancer); empty when unread
     * @param node the configured node those values belong to; null when none or unread
     * @param ttlSeconds the live TTL; null where there is none or unread
     * @param error why it could not be read; null when it was
     */
    @JsonPropertyOrder({"index", "type", "entry", "values", "node", "ttl_seconds", "error"})
    public record Row(int index, String type, String entry, List<String> values, String node, Long ttlSeconds, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    /** Reads every entry (each failure is kept on its row, so one broken entry never hides the others). */
    public static List<Row> read(VaktConfig config) {
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < config.traffic().size(); i++) {
            TrafficEntry entry = TrafficEntry.of(config.traffic().get(i));
            String type = typeOf(entry);
            String name = type;
            try {
                TrafficProvider p = entry.open(config);
                name = p.describe();
                TrafficProvider.PointsAt at = p.show();
                out.add(new Row(i, type, name, at.values(), at.node(), at.ttlSeconds(), null));
            } catch (TrafficException | RuntimeException e) {
                out.add(new Row(i, type, name, List.of(), null, null, e.getMessage() != null ? e.getMessage() : e.toString()));
            }
        }
        return out;
    }

    /** The entry's {@code type:} name, as {@link TrafficEntryRecords} registers it with the config. */
    public static String typeOf(TrafficEntry entry) {
        return new TrafficEntryRecords().byName().entrySet().stream().filter(e -> e.getValue() == entry.getClass())
                .map(java.util.Map.Entry::getKey).findFirst().orElse(entry.getClass().getSimpleName());
    }
}
