package no.vakt.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.vakt.cluster.HostPort;
import no.vakt.cluster.Sleeper;
import no.vakt.config.SecretRef;
import no.vakt.config.VaktConfig;
import no.vakt.http.BoundedHttp;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * Repoints one A/AAAA rrset through the PowerDNS Authoritative HTTP API: read the zone, and PATCH
 * (changetype REPLACE) only when the rrset differs. Verified on the server's DNS listeners, not the API,
 * because DNS is what clients see, and (unless {@code verify-zone-ns: false}) on every NS of the zone,
 * resolved through the zone's own records and the first listener ({@link ZoneNameServers}).
 */
final class PowerDnsProvider extends AddressRecordProvider {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PowerDnsEntry entry;
    private final String apiKey;
    private final URI zoneUri;
    private final HttpClient http;

    private PowerDnsProvider(PowerDnsEntry entry, AddressTargets targets, String apiKey, Visibility visibility,
            int zoneNsPort) {
        super("powerdns", entry.record(), targets, entry.apiUrl().getAuthority(), visibility, zoneNsPort);
        this.entry = entry;
        this.apiKey = apiKey;
        String base = entry.apiUrl().toString().replaceAll("/+$", "");
        this.zoneUri = URI.create(base + "/api/v1/servers/" + segment(entry.serverId()) + "/zones/" + segment(entry.zone()));
        this.http = HttpClient.newBuilder().connectTimeout(entry.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    static PowerDnsProvider open(PowerDnsEntry entry, VaktConfig config, Clock clock, Sleeper sleeper) throws TrafficException {
        return open(entry, config, clock, sleeper, 53);
    }

    /** @param zoneNsPort where the zone's name servers (other than the configured ones) are asked; 53 but in tests */
    static PowerDnsProvider open(PowerDnsEntry entry, VaktConfig config, Clock clock, Sleeper sleeper, int zoneNsPort)
            throws TrafficException {
        String name = "powerdns " + entry.record();
        AddressTargets targets = AddressTargets.of(entry.targets(), config, name);
        String key;
        try {
            key = entry.apiKeySecret().resolve();
        } catch (SecretRef.SecretUnavailableException e) {
            throw new TrafficException(name + ": API key: " + e.getMessage(), false);
        }
        return new PowerDnsProvider(entry, targets, key, new Visibility(clock, sleeper), zoneNsPort);
    }

    @Override
    public ApplyOutcome apply(String node, long epoch) throws TrafficException {
        InetAddress target = targets.addressOf(node, describe);
        Rrset current = rrset();
        if (current.values().equals(List.of(target.getHostAddress())) && current.ttl() == entry.ttl().getSeconds()) {
            return ApplyOutcome.UNCHANGED;
        }
        ObjectNode body = JSON.createObjectNode();
        ObjectNode rrset = body.putArray("rrsets").addObject();
        rrset.put("name", entry.record());
        rrset.put("type", Type.string(targets.recordType()));
        rrset.put("ttl", entry.ttl().getSeconds());
        rrset.put("changetype", "REPLACE");
        ArrayNode records = rrset.putArray("records");
        records.addObject().put("content", target.getHostAddress()).put("disabled", false);
        send(request().method("PATCH", HttpRequest.BodyPublishers.ofString(body.toString()))
                .header("Content-Type", "application/json").build(), "PATCH " + entry.record());
        return ApplyOutcome.CHANGED;
    }

    @Override
    public PointsAt show() throws TrafficException {
        Rrset r = rrset();
        return pointsAt(r.values(), r.ttl());
    }

    /** The server's DNS listeners (not the API: DNS is what clients see) and, with verify-zone-ns, the zone's NS. */
    @Override
    List<DnsAuthority> authorities() throws TrafficException {
        return authorities(null, entry.nameservers(), entry.verifyZoneNs(), entry.timeout());
    }

    /**
     * The zone's NS as the API holds them, with the addresses the zone itself has for them, else as the
     * first DNS listener answers (never the system resolver).
     */
    @Override
    ZoneNameServers.Found zoneNameServers(List<HostPort> known) throws TrafficException {
        JsonNode zone = zoneJson();
        Name apex = DnsNames.parse(entry.zone(), "zone");
        List<Name> names = new ArrayList<>();
        Map<Name, List<String>> given = new HashMap<>();
        for (JsonNode r : zone.path("rrsets")) {
            Name owner = DnsNames.parse(r.path("name").asText(), "rrset name");
            String type = r.path("type").asText();
            for (JsonNode rec : r.path("records")) {
                if (rec.path("disabled").asBoolean(false)) continue;
                String content = rec.path("content").asText();
                if ("NS".equals(type) && owner.equals(apex)) names.add(DnsNames.parse(content, "NS"));
                if ("A".equals(type) || "AAAA".equals(type)) given.computeIfAbsent(owner, k -> new ArrayList<>()).add(content);
            }
        }
        DnsAuthority via = new DnsAuthority(known.get(0), null, "", entry.timeout());
        return ZoneNameServers.resolve(names, given, via::addresses, known, zoneNsPort, via.server().toString());
    }

    @Override
    public void checkAccess() throws TrafficException {
        rrset(); // GET of the zone: proves the key, the server id, the zone and the record
    }

    private record Rrset(List<String> values, long ttl) {}

    private JsonNode zoneJson() throws TrafficException {
        String body = send(request().GET().build(), "GET zone " + entry.zone());
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new TrafficException(describe + ": the zone answer is not JSON", false, e);
        }
    }

    private Rrset rrset() throws TrafficException {
        JsonNode zone = zoneJson();
        String type = Type.string(targets.recordType());
        for (JsonNode r : zone.path("rrsets")) {
            if (entry.record().equalsIgnoreCase(r.path("name").asText()) && type.equals(r.path("type").asText())) {
                List<String> values = new ArrayList<>();
                for (JsonNode rec : r.path("records")) {
                    if (!rec.path("disabled").asBoolean(false)) values.add(AddressTargets.normalise(rec.path("content").asText()));
                }
                values.sort(String::compareTo);
                if (values.isEmpty()) break;
                return new Rrset(List.copyOf(values), r.path("ttl").asLong());
            }
        }
        throw new TrafficException(describe + ": " + entry.record() + " has no " + type + " record in zone " + entry.zone()
                + "; Vakt repoints an existing record: create it once (check zone: and record:)", false);
    }

    private HttpRequest.Builder request() {
        return HttpRequest.newBuilder(zoneUri).timeout(entry.timeout()).header("X-API-Key", apiKey)
                .header("Accept", "application/json");
    }

    /** Sends and sorts the outcome into done, worth retrying (timeouts, 429, 5xx), or not (the rest). */
    private String send(HttpRequest request, String what) throws TrafficException {
        HttpResponse<String> response;
        try {
            response = BoundedHttp.send(http, request, HttpResponse.BodyHandlers.ofString(), entry.timeout());
        } catch (IOException e) {
            throw new TrafficException(describe + ": " + what + ": no answer from " + entry.apiUrl().getAuthority() + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrafficException(describe + ": " + what + ": interrupted", false, e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) return response.body();
        String error = errorText(response.body());
        String prefix = describe + ": " + what + ": HTTP " + status;
        if (status == 401 || status == 403) {
            throw new TrafficException(prefix + ": the API key was rejected (check api-key-file / api-key-env)", false);
        }
        if (status == 404 || (status == 422 && error.toLowerCase().contains("could not find domain"))) {
            throw new TrafficException(prefix + ": zone " + entry.zone() + " not found on server '" + entry.serverId() + "'"
                    + (error.isEmpty() ? "" : " (" + error + ")"), false);
        }
        if (status == 429 || status >= 500) throw new TrafficException(prefix + (error.isEmpty() ? "" : ": " + error), true);
        throw new TrafficException(prefix + (error.isEmpty() ? "" : ": " + error), false);
    }

    /** PowerDNS answers errors as {"error": "..."}; anything else is cut short, it may be an HTML page. */
    private static String errorText(String body) {
        if (body == null || body.isBlank()) return "";
        try {
            JsonNode n = JSON.readTree(body);
            if (n.hasNonNull("error")) return n.get("error").asText();
        } catch (IOException ignored) {
            // not JSON
        }
        String flat = body.replaceAll("\\s+", " ").trim();
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }

    private static String segment(String s) {
        // PowerDNS zone ids are the name with its final dot; '/' would be written =2F by the server itself.
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
