package no.vakt.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import no.vakt.config.Durations;
import no.vakt.config.ServerConfig;
import no.vakt.coordination.CoordinatorStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orchestrator's leader-check for the agents (docs/ha.md): an operator action that reaches an agent without
 * authority is forwarded once to the leader's API, as the leader's {@code /agents/NAME} node publishes it, with
 * the same admin token; or refused with 421 naming the leader when it cannot be. A forwarded call carries
 * {@link #FORWARDED_BY} and is never forwarded again (one hop: leaders that change meanwhile cannot bounce it).
 * Outcomes say whether the action may have happened (STYLE.md 4): a call the leader may have received and
 * not answered in time is 504 "unknown", never retried here.
 */
final class LeaderCheck {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderCheck.class);
    static final String FORWARDED_BY = "X-Vakt-Forwarded-By";
    static final String FORWARDED_TO = "X-Vakt-Forwarded-To";
    /** The calls without a duration of their own: the CLI gives pause, resume and approve 15 s. */
    static final Duration SHORT_CALL = Duration.ofSeconds(15);

    private final ServerConfig server;

    LeaderCheck(ServerConfig server) {
        this.server = server;
    }

    /** What to answer: the leader's own answer, or a refusal with its address. */
    record Answer(int status, Object body, String forwardedTo) {}

    /** Whether this agent must not run {@code path} itself: it coordinates with others and has no authority. */
    static boolean elsewhere(CoordinatorStatus c) {
        return c != null && c.mode() == CoordinatorStatus.Mode.ZOOKEEPER && !c.authority();
    }

    Answer route(CoordinatorStatus c, String path, byte[] body, JsonNode parsed, String forwardedBy) {
        String leaderApi = c.leaderApi().orElse(null);
        if (forwardedBy != null) {
            return refuse(c, "forwarded by agent " + forwardedBy + ", but this agent does not hold authority either ("
                    + c.reason() + "); retry on the leader");
        }
        if (c.leader() == null || c.leader().equals(c.agent()) || leaderApi == null) {
            return refuse(c, c.leader() == null ? "no agent holds authority now (" + c.reason() + ")"
                    : c.leader().equals(c.agent()) ? "this agent leads but may not act now (" + c.reason() + ")"
                    : "the leader " + c.leader() + " publishes no API address (its server is off)");
        }
        Duration deadline = deadline(path, parsed);
        try {
            DaemonClient.Reply r = DaemonClient.of(server, leaderApi).forward(path.substring(1), body, deadline,
                    Map.of(FORWARDED_BY, c.agent()));
            LOG.info("{} forwarded to the leader {} at {}: HTTP {}", path, c.leader(), leaderApi, r.status());
            return new Answer(r.status(), r.body(), c.leader());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            LOG.warn("{} not forwarded: the leader {} at {} did not accept a connection: {}", path, c.leader(), leaderApi,
                    e.toString());
            return refuse(c, "the leader " + c.leader() + " at " + leaderApi + " did not accept a connection; nothing was done");
        } catch (java.net.http.HttpTimeoutException e) {
            LOG.warn("{} forwarded to the leader {} at {}: no answer within {}", path, c.leader(), leaderApi, deadline);
            return new Answer(504, outcome("unknown", "forwarded to the leader " + c.leader() + " at " + leaderApi
                    + ", which did not answer within " + Durations.format(deadline)
                    + "; the action may have run: check vakt status on the leader", c), c.leader());
        } catch (IOException e) {
            LOG.warn("{} forwarded to the leader {} at {}: {}", path, c.leader(), leaderApi, e.toString());
            return new Answer(502, outcome("unknown", "forwarding to the leader " + c.leader() + " at " + leaderApi
                    + " failed after sending (" + e.getClass().getSimpleName()
                    + "); the action may have run: check vakt status on the leader", c), c.leader());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(503, outcome("unknown", "interrupted while the leader " + c.leader() + " ran the action", c),
                    c.leader());
        } catch (IllegalStateException e) {
            // No token or an unreadable certificate here: the request never left.
            return refuse(c, "cannot forward to the leader " + c.leader() + ": " + e.getMessage());
        }
    }

    /** The bounds the CLI itself waits for these calls (PromoteCommand, SwitchoverCommand, RejoinCommand, ...). */
    static Duration deadline(String path, JsonNode body) {
        return switch (path) {
            case "/api/promote", "/api/traffic/apply" -> Duration.ofMinutes(10);
            case "/api/switchover" -> duration(body, "timeout", Duration.ofSeconds(10)).plusMinutes(5);
            case "/api/rejoin" -> duration(body, "wait", Duration.ofSeconds(30)).plusMinutes(35);
            default -> SHORT_CALL;
        };
    }

    private static Duration duration(JsonNode body, String field, Duration fallback) {
        try {
            return body.hasNonNull(field) ? Durations.parse(body.get(field).asText()) : fallback;
        } catch (IllegalArgumentException e) {
            return fallback; // the leader answers 400 for it
        }
    }

    private static Answer refuse(CoordinatorStatus c, String why) {
        return new Answer(421, outcome("not_leader", "this agent (" + c.agent() + ") does not act: " + why, c), null);
    }

    private static Map<String, Object> outcome(String error, String message, CoordinatorStatus c) {
        Map<String, Object> m = new LinkedHashMap<>(OperatorActions.error(error, message));
        m.put("leader", c.leader());
        m.put("leader_api", c.leaderApi().orElse(null));
        return m;
    }
}
