package no.vakt.coordination;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One agent's latest look at the primary, published under {@code /observations/AGENT} (ephemeral) for the
 * leader's quorum ({@link QuorumVerdict}).
 *
 * @param agent the agent that looked
 * @param primary the node it probed as the live primary
 * @param reachable whether its latest probe of the primary answered
 * @param at when it looked, by the agent's clock (agents' clocks are assumed NTP-synchronised)
 * @param health the agent's own detector verdict (HEALTHY, SUSPECT, DOWN, ...), for people
 * @param standbySeesPrimary whether the standby's replication still received from the primary as this agent
 *     saw it; null when it could not tell
 */
public record PrimaryObservation(String agent, String primary, boolean reachable, Instant at, String health,
        Boolean standbySeesPrimary) {

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agent", agent);
        m.put("primary", primary);
        m.put("reachable", reachable);
        m.put("at", at.toString());
        m.put("health", health);
        m.put("standby_sees_primary", standbySeesPrimary);
        return m;
    }

    /** Parses {@link #json()}'s form; null when it is not one (a node written by a later version, say). */
    static PrimaryObservation fromJson(Map<?, ?> m) {
        try {
            Object standby = m.get("standby_sees_primary");
            return new PrimaryObservation((String) m.get("agent"), (String) m.get("primary"),
                    Boolean.TRUE.equals(m.get("reachable")), Instant.parse((String) m.get("at")), (String) m.get("health"),
                    standby instanceof Boolean b ? b : null);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
