package no.vakt.drill;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;

/**
 * With agents (docs/ha.md) the drill acts through the leading agent: its rejoin and switch-back are POSTed to the
 * leader's API, so they are gated and recorded in ZooKeeper like every run of the cluster, and no second process acts
 * beside the leader. The CLI provides it (it finds the leader in ZooKeeper).
 */
@FunctionalInterface
public interface LeaderApi {
    /** The leader's answer: HTTP status and JSON body. */
    record Answer(int status, JsonNode body) {
        public String text(String field) {
            JsonNode n = body.get(field);
            return n == null || n.isNull() ? null : n.asText();
        }
    }

    /** POSTs an operator action ({@code api/rejoin}, {@code api/switchover}) to the leading agent, bounded by {@code timeout}. */
    Answer post(String path, Map<String, ?> body, Duration timeout) throws Exception;
}
