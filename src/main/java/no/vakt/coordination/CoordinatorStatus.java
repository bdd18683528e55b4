package no.vakt.coordination;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What an agent knows about who acts, for the monitor's one check and for the operator surfaces
 * ({@code /api/status}, {@code /metrics}, the dashboard, {@code vakt status}).
 *
 * @param mode local (one monitor, the journal's cluster lock) or zookeeper (agents elect a leader)
 * @param agent this agent's name
 * @param leader the agent that holds authority as last seen; null when unknown
 * @param session the link to ZooKeeper ({@link SessionState#LOCAL} in local mode)
 * @param sessionSince when the session entered that state, by the injected clock
 * @param authority whether this agent may act now
 * @param reason why it may or may not, for a person
 * @param agents the agents whose ephemeral nodes ZooKeeper holds (live sessions), by name; empty in local mode
 * @param epoch the cluster epoch as ZooKeeper holds it (last seen); null when unknown or in local mode
 */
public record CoordinatorStatus(
        Mode mode, String agent, String leader, SessionState session, Instant sessionSince, boolean authority,
        String reason, List<Agent> agents, Long epoch) {
    public enum Mode { LOCAL, ZOOKEEPER }

    /**
     * One agent as its {@code /agents/NAME} node says: its role when it last wrote, and the API address
     * other agents forward operator actions to (null when its server is off).
     */
    public record Agent(String name, String role, String api, String since) {}

    public CoordinatorStatus {
        agents = agents == null ? List.of() : List.copyOf(agents);
    }

    /** Without the agents' list or the epoch (a read-only look, local mode). */
    public CoordinatorStatus(Mode mode, String agent, String leader, SessionState session, Instant sessionSince,
            boolean authority, String reason) {
        this(mode, agent, leader, session, sessionSince, authority, reason, List.of(), null);
    }

    /** The leader's API address, as its node publishes it; empty when the leader or its address is unknown. */
    public Optional<String> leaderApi() {
        if (leader == null) return Optional.empty();
        return agents.stream().filter(a -> a.name().equals(leader) && a.api() != null).map(Agent::api).findFirst();
    }

    /** The JSON object {@code /api/status} and {@code vakt status --json} show under {@code coordination}. */
    public java.util.Map<String, Object> json() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
        m.put("agent", agent);
        m.put("leader", leader);
        m.put("leader_api", leaderApi().orElse(null));
        m.put("session", session.name());
        m.put("session_since", sessionSince == null ? null : sessionSince.toString());
        m.put("authority", authority);
        m.put("reason", reason);
        m.put("epoch", epoch);
        m.put("agents", agents.stream().map(a -> {
            java.util.Map<String, Object> x = new java.util.LinkedHashMap<>();
            x.put("name", a.name());
            x.put("role", a.role());
            x.put("api", a.api());
            x.put("since", a.since());
            return x;
        }).toList());
        return m;
    }

    /** The lines {@code vakt status} prints under its table: who leads, the epoch, each agent and its role. */
    public String text() {
        StringBuilder b = new StringBuilder("\ncoordination: ").append(mode.name().toLowerCase(java.util.Locale.ROOT))
                .append(", leader ").append(leader == null ? "unknown" : leader);
        if (mode == Mode.ZOOKEEPER) b.append(", epoch in ZooKeeper ").append(epoch == null ? "unknown" : epoch);
        b.append('\n');
        if (!agents.isEmpty()) {
            int w = Math.max(5, agents.stream().mapToInt(a -> a.name().length()).max().orElse(5));
            b.append(String.format("  %-" + w + "s  %-8s  %-25s  %s%n", "AGENT", "ROLE", "SINCE", "API"));
            for (Agent a : agents) {
                b.append(String.format("  %-" + w + "s  %-8s  %-25s  %s%n", a.name(), a.role() == null ? "?" : a.role(),
                        a.since() == null ? "?" : a.since(), a.api() == null ? "-" : a.api()));
            }
        }
        b.append("  this agent (").append(agent).append("): session ").append(session);
        if (sessionSince != null) b.append(" since ").append(sessionSince);
        b.append("; ").append(reason).append('\n');
        return b.toString();
    }
}
