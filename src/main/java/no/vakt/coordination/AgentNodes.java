package no.vakt.coordination;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content of {@code /agents/NAME} (JSON: agent, role, since, api) and of {@code /epoch} (the 8 bytes
 * {@code DistributedAtomicLong} writes), written by the coordinator and read by it and by {@link ZooKeeperLook}.
 */
final class AgentNodes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AgentNodes() {}

    static byte[] describe(String agent, boolean leading, String api, Instant since) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agent", agent);
        m.put("role", leading ? "leader" : "follower");
        m.put("since", since.toString());
        m.put("api", api);
        try {
            return JSON.writeValueAsBytes(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The agent a node describes; a node another version wrote in another shape still counts by its name. */
    static CoordinatorStatus.Agent read(String name, byte[] data) {
        try {
            JsonNode n = data == null || data.length == 0 ? null : JSON.readTree(data);
            if (n == null || !n.isObject()) return new CoordinatorStatus.Agent(name, null, null, null);
            return new CoordinatorStatus.Agent(name, text(n, "role"), text(n, "api"), text(n, "since"));
        } catch (IOException e) {
            return new CoordinatorStatus.Agent(name, null, null, null);
        }
    }

    /** The epoch as {@code DistributedAtomicLong} stores it; null for anything else. */
    static Long epoch(byte[] data) {
        return data != null && data.length == Long.BYTES ? ByteBuffer.wrap(data).getLong() : null;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
