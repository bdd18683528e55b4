package no.vakt.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local stand-in for the Cloudflare API v4, written from its public documentation (developers.cloudflare.com/api:
 * "List Zones", "List DNS Records", "Update DNS Record" (PATCH), "Verify Token"). It checks each request the way the
 * documentation specifies (method, path under /client/v4, {@code Authorization: Bearer}, JSON body with
 * {@code Content-Type: application/json}) and answers with the documented envelope
 * {@code {"success", "errors": [{"code", "message"}], "messages", "result"}}. Anything it does not expect is kept as
 * a violation, which each test asserts is empty.
 */
final class CloudflareStandIn implements AutoCloseable {
    static final String ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353";
    private static final ObjectMapper JSON = new ObjectMapper();

    record Request(String method, String path, Map<String, String> query, JsonNode body) {}

    private record Fault(int status, String retryAfter, String onMethod) {}

    private final HttpServer server;
    private final String token;
    private final Map<String, String> zones = new ConcurrentHashMap<>(); // name -> id
    private final Map<String, ObjectNode> records = new ConcurrentHashMap<>(); // id -> record
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Fault> faults = new ArrayDeque<>();
    private volatile long delayMillis;

    CloudflareStandIn(String address, String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(address, 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/client/v4");
    }

    void zone(String name) {
        zones.put(name, ZONE_ID);
    }

    ObjectNode record(String id, String name, String type, String content, int ttl, boolean proxied) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", id).put("zone_id", ZONE_ID).put("zone_name", zones.keySet().stream().findFirst().orElse(""))
                .put("name", name).put("type", type).put("content", content).put("proxiable", true).put("proxied", proxied)
                .put("ttl", ttl).put("locked", false).put("created_on", "2030-01-01T00:00:00Z")
                .put("modified_on", "2030-01-01T00:00:00Z");
        r.putObject("meta").put("auto_added", false);
        records.put(id, r);
        return r;
    }

    JsonNode stored(String id) {
        return records.get(id);
    }

    /** The next request with {@code method} (or any, when null) gets this status instead. Per instance, never static. */
    synchronized void failNext(int status, String retryAfter, String onMethod) {
        faults.add(new Fault(status, retryAfter, onMethod));
    }

    void delay(long millis) {
        delayMillis = millis;
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    long count(String method) {
        return requests().stream().filter(r -> r.method().equals(method)).count();
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            byte[] raw = ex.getRequestBody().readAllBytes();
            JsonNode body = null;
            if (raw.length > 0) {
                try {
                    body = JSON.readTree(raw);
                } catch (IOException e) {
                    violations.add(method + " " + path + ": body is not JSON");
                }
            }
            requests.add(new Request(method, path, query, body));
            if (delayMillis > 0) sleep(delayMillis);

            // Every call is authenticated with "Authorization: Bearer <token>" (API token scheme).
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("Bearer ")) {
                violations.add(method + " " + path + ": no 'Authorization: Bearer' header");
            }
            if (auth == null || !auth.equals("Bearer " + token)) {
                // documented answer for a bad token: 403 (or 401) with error code 10000 "Authentication error"
                send(ex, 403, null, envelope(false, error(10000, "Authentication error"), null));
                return;
            }
            Fault fault = nextFault(method);
            if (fault != null) {
                if (fault.status() == 429) {
                    send(ex, 429, fault.retryAfter(), envelope(false, error(971, "Please wait and consider throttling your request speed"), null));
                } else {
                    send(ex, fault.status(), null, envelope(false, error(10001, "Internal error"), null));
                }
                return;
            }
            if (!path.startsWith("/client/v4/")) {
                violations.add(method + " " + path + ": not under /client/v4");
                send(ex, 404, null, envelope(false, error(7000, "No route for that URI"), null));
                return;
            }
            String p = path.substring("/client/v4".length());
            String[] seg = p.substring(1).split("/");
            if (method.equals("GET") && (p.equals("/user/tokens/verify") || p.matches("/accounts/[0-9a-f]{32}/tokens/verify"))) {
                ObjectNode r = JSON.createObjectNode().put("id", "ed17574386854bf78a67040be0a770b0").put("status", "active");
                send(ex, 200, null, envelope(true, null, r));
            } else if (method.equals("GET") && p.equals("/zones")) {
                ArrayNode list = JSON.createArrayNode();
                String name = query.get("name");
                zones.forEach((n, id) -> {
                    if (name == null || name.equals(n)) list.addObject().put("id", id).put("name", n).put("status", "active");
                });
                sendList(ex, list);
            } else if (seg.length == 3 && seg[0].equals("zones") && seg[2].equals("dns_records") && method.equals("GET")) {
                if (!zones.containsValue(seg[1])) {
                    send(ex, 404, null, envelope(false, error(7003, "Could not route to /zones/" + seg[1] + "/dns_records, perhaps your object identifier is invalid?"), null));
                    return;
                }
                ArrayNode list = JSON.createArrayNode();
                records.values().forEach(r -> {
                    boolean nameOk = !query.containsKey("name") || query.get("name").equals(r.path("name").asText());
                    boolean typeOk = !query.containsKey("type") || query.get("type").equals(r.path("type").asText());
                    if (nameOk && typeOk) list.add(r.deepCopy());
                });
                sendList(ex, list);
            } else if (seg.length == 4 && seg[0].equals("zones") && seg[2].equals("dns_records") && method.equals("PATCH")) {
                patch(ex, seg[1], seg[3], body);
            } else {
                violations.add(method + " " + path + ": not an endpoint Vakt should call");
                send(ex, 404, null, envelope(false, error(7000, "No route for that URI"), null));
            }
        }
    }

    private void patch(HttpExchange ex, String zoneId, String recordId, JsonNode body) throws IOException {
        String ct = ex.getRequestHeaders().getFirst("Content-Type");
        if (ct == null || !ct.startsWith("application/json")) violations.add("PATCH without Content-Type: application/json");
        ObjectNode r = records.get(recordId);
        if (!zones.containsValue(zoneId) || r == null) {
            send(ex, 404, null, envelope(false, error(81044, "Record does not exist."), null));
            return;
        }
        if (body == null || !body.isObject()) {
            violations.add("PATCH body is not a JSON object");
            send(ex, 400, null, envelope(false, error(9207, "Request body is invalid."), null));
            return;
        }
        // documented body fields for an A/AAAA/CNAME record: name, type, content, ttl (1 = auto, or 60..86400), proxied
        List<String> allowed = List.of("name", "type", "content", "ttl", "proxied", "comment", "tags");
        body.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) violations.add("PATCH body has undocumented field " + f);
        });
        if (body.has("type") && !body.path("type").asText().equals(r.path("type").asText())) violations.add("PATCH changes the type");
        if (body.has("name") && !body.path("name").asText().equals(r.path("name").asText())) violations.add("PATCH changes the name");
        if (body.has("ttl")) {
            JsonNode ttl = body.get("ttl");
            if (!ttl.isInt() || !(ttl.asInt() == 1 || ttl.asInt() >= 60 && ttl.asInt() <= 86400)) violations.add("PATCH ttl invalid: " + ttl);
        }
        if (body.has("proxied") && !body.get("proxied").isBoolean()) violations.add("PATCH proxied is not a boolean");
        if (!body.path("content").isTextual()) violations.add("PATCH without content");
        body.fields().forEachRemaining(f -> r.set(f.getKey(), f.getValue()));
        r.put("modified_on", "2030-01-01T00:00:01Z");
        send(ex, 200, null, envelope(true, null, r.deepCopy()));
    }

    private synchronized Fault nextFault(String method) {
        Fault f = faults.peek();
        if (f != null && (f.onMethod() == null || f.onMethod().equals(method))) return faults.poll();
        return null;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sendList(HttpExchange ex, ArrayNode list) throws IOException {
        ObjectNode env = envelope(true, null, list);
        env.putObject("result_info").put("page", 1).put("per_page", 100).put("count", list.size()).put("total_count", list.size())
                .put("total_pages", 1);
        send(ex, 200, null, env);
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("code", code).put("message", message);
    }

    private static ObjectNode envelope(boolean success, ObjectNode error, JsonNode result) {
        ObjectNode env = JSON.createObjectNode();
        env.put("success", success);
        ArrayNode errors = env.putArray("errors");
        if (error != null) errors.add(error);
        env.putArray("messages");
        if (result == null) env.putNull("result");
        else env.set("result", result);
        return env;
    }

    private static void send(HttpExchange ex, int status, String retryAfter, JsonNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (retryAfter != null) ex.getResponseHeaders().set("Retry-After", retryAfter);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null) return q;
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }
}
