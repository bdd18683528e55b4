package no.vakt.maintenance;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The {@code maintenance} part of {@code vakt status --json} and {@code /api/status}: one shape for both. */
public final class MaintenanceJson {
    /** The key in the status document. */
    public static final String KEY = "maintenance";

    private MaintenanceJson() {}

    /** {@code paused}, then {@code since}, {@code until}, {@code remaining_ms}, {@code reason}, {@code by}, {@code token_role} (null when not paused). */
    public static Map<String, Object> of(Optional<Pause> pause, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        Pause p = pause.orElse(null);
        m.put("paused", p != null);
        m.put("since", p == null ? null : p.since().toString());
        m.put("until", p == null ? null : p.until().toString());
        m.put("remaining_ms", p == null ? null : p.remaining(now).toMillis());
        m.put("reason", p == null ? null : p.reason());
        m.put("by", p == null ? null : p.by());
        m.put("token_role", p == null ? null : p.tokenRole());
        return m;
    }

    /** The warning line {@code vakt status} and the dashboard list first while paused. */
    public static String warning(Pause p) {
        return "PAUSED: no automatic failover " + p.describe() + "; `vakt resume` ends it";
    }
}
