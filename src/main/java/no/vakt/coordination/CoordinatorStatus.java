package no.vakt.coordination;

import java.time.Instant;

/**
 * What an agent knows about who acts, for the monitor's one check and for {@code /api/status}.
 *
 * @param mode local (one monitor, the journal's cluster lock) or zookeeper (agents elect a leader)
 * @param agent this agent's name
 * @param leader the agent that holds authority as last seen; null when unknown
 * @param session the link to ZooKeeper ({@link SessionState#LOCAL} in local mode)
 * @param sessionSince when the session entered that state, by the injected clock
 * @param authority whether this agent may act now
 * @param reason why it may or may not, for a person
 */
public record CoordinatorStatus(
        Mode mode, String agent, String leader, SessionState session, Instant sessionSince, boolean authority,
        String reason) {
    public enum Mode { LOCAL, ZOOKEEPER }

    /** The JSON object {@code /api/status} and {@code vakt status --json} show under {@code coordination}. */
    public java.util.Map<String, Object> json() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        m.put("agent", agent);
        m.put("leader", leader);
        m.put("session", session.name());
        m.put("session_since", sessionSince == null ? null : sessionSince.toString());
        m.put("authority", authority);
        m.put("reason", reason);
        return m;
    }
}
