package no.vakt.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.vakt.cluster.Sleeper;

/**
 * Points a Cloudflare DNS record at a node: finds the zone (unless {@code zone-id} is given) and the
 * record by name and type, and PATCHes its content, keeping TTL and proxied as they are.
 *
 * <p>Verification re-reads the record through the API. Querying Cloudflare's authoritative name
 * servers directly would be better evidence but needs the public internet; the API answer is what
 * Cloudflare serves once its edge has the change (usually within seconds).
 */
final class CloudflareProvider extends PolledProvider<CloudflareEntry> {
    /** Cloudflare shows TTL 1 for "automatic", which is 300 s. */
    static final long AUTO_TTL_SECONDS = 300;
    // One read a second stays far below Cloudflare's 1200 requests per 5 minutes per user.
    private static final Duration POLL = Duration.ofSeconds(1);

    private final CloudflareApi api;
    private volatile String zoneId;

    CloudflareProvider(CloudflareEntry entry, EntryTargets targets, CloudflareApi api, Clock clock, Sleeper pause) {
        super(entry, targets, POLL, clock, pause);
        this.api = api;
        this.zoneId = entry.zoneId();
    }

    @Override
    public String describe() {
        return "cloudflare " + entry.record() + " " + entry.recordType();
    }

    @Override
    public ApplyOutcome apply(String node, long epoch) throws TrafficException {
        String wanted = targets.valueFor(node);
        DnsRecord current = record();
        if (RecordValues.same(entry.recordType(), current.content(), wanted)) return ApplyOutcome.UNCHANGED;
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", entry.recordType());
        body.put("name", current.name());
        body.put("content", wanted);
        body.put("ttl", current.ttl());
        body.put("proxied", current.proxied());
        JsonNode result = api.patch("update " + entry.record(), "/zones/" + zone() + "/dns_records/" + current.id(), body);
        String now = result.path("content").asText(null);
        if (now != null && !RecordValues.same(entry.recordType(), now, wanted)) {
            throw new TrafficException(describe() + ": Cloudflare accepted the update but the record now holds '" + now
                    + "' instead of '" + wanted + "'", true);
        }
        return ApplyOutcome.CHANGED;
    }

    @Override
    public PointsAt show() throws TrafficException {
        DnsRecord r = record();
        List<String> values = List.of(r.content());
        return new PointsAt(values, targets.nodeFor(values, (a, b) -> RecordValues.same(entry.recordType(), a, b)),
                r.ttl() == 1 ? AUTO_TTL_SECONDS : r.ttl());
    }

    @Override
    public Duration verify(String node, Duration bound) throws TrafficException {
        String wanted = targets.valueFor(node);
        return poll.await(describe(), bound, () -> RecordValues.same(entry.recordType(), record().content(), wanted));
    }

    @Override
    public void checkAccess() throws TrafficException {
        String verifyPath = entry.accountId() != null ? "/accounts/" + entry.accountId() + "/tokens/verify" : "/user/tokens/verify";
        JsonNode verified = api.get("verify the API token", verifyPath, Map.of());
        String status = verified.path("status").asText("");
        if (!"active".equals(status)) {
            throw new TrafficException("cloudflare zone " + entry.zone() + ": the API token is " + (status.isEmpty() ? "not active" : status), false);
        }
        record();
    }

    private String zone() throws TrafficException {
        String id = zoneId;
        if (id != null) return id;
        JsonNode zones = api.get("look up the zone", "/zones", Map.of("name", entry.zone()));
        for (JsonNode z : zones) {
            if (entry.zone().equals(EntryChecks.dnsName(z.path("name").asText("")))) {
                zoneId = z.path("id").asText();
                return zoneId;
            }
        }
        // Cloudflare lists only the zones the token may see, so a missing zone can also be a token scope problem.
        throw new TrafficException("cloudflare zone " + entry.zone() + " not found (or the API token has no access to it); "
                + "check the zone name, or give zone-id", false);
    }

    private DnsRecord record() throws TrafficException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("name", entry.record());
        query.put("type", entry.recordType());
        JsonNode list = api.get("look up " + entry.record(), "/zones/" + zone() + "/dns_records", query);
        List<JsonNode> matching = new java.util.ArrayList<>();
        for (JsonNode r : list) {
            if (entry.record().equals(EntryChecks.dnsName(r.path("name").asText("")))
                    && entry.recordType().equals(r.path("type").asText())) {
                matching.add(r);
            }
        }
        if (matching.isEmpty()) {
            throw new TrafficException("cloudflare zone " + entry.zone() + ": no " + entry.recordType() + " record " + entry.record()
                    + "; create it once by hand, Vakt only changes where it points", false);
        }
        if (matching.size() > 1) {
            throw new TrafficException("cloudflare zone " + entry.zone() + ": " + matching.size() + " " + entry.recordType()
                    + " records named " + entry.record() + "; expected exactly one", false);
        }
        JsonNode r = matching.get(0);
        return new DnsRecord(r.path("id").asText(), r.path("name").asText(), r.path("content").asText(),
                r.path("ttl").asLong(1), r.path("proxied").asBoolean(false));
    }

    private record DnsRecord(String id, String name, String content, long ttl, boolean proxied) {}
}
