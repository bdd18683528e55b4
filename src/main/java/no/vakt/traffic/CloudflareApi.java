package no.vakt.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import no.vakt.http.BoundedHttp;

/**
 * The few Cloudflare API v4 calls Vakt makes, with the one place that turns an HTTP outcome into a
 * {@link TrafficException}: 429, 5xx, timeouts and connection failures are retryable; 401/403, 404 and
 * other client errors are not. The token goes in the Authorization header only and is scrubbed from
 * every message just in case an error body echoed it.
 */
final class CloudflareApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CloudflareEntry entry;
    private final HttpClient http;
    private final Clock clock;
    private final String base;

    CloudflareApi(CloudflareEntry entry, HttpClient http, Clock clock) {
        this.entry = entry;
        this.http = http;
        this.clock = clock;
        String b = entry.baseUrl().toString();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }

    /** GET {@code path} and return the envelope's {@code result}. */
    JsonNode get(String what, String path, Map<String, String> query) throws TrafficException {
        HttpRequest.Builder req = request(path, query).GET();
        return send(what, req);
    }

    /** PATCH {@code path} with a JSON body and return the envelope's {@code result}. */
    JsonNode patch(String what, String path, JsonNode body) throws TrafficException {
        HttpRequest.Builder req = request(path, Map.of())
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        return send(what, req);
    }

    private HttpRequest.Builder request(String path, Map<String, String> query) {
        String q = query.isEmpty() ? "" : "?" + new LinkedHashMap<>(query).entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(URI.create(base + path + q))
                .timeout(entry.timeout())
                .header("Accept", "application/json");
    }

    private JsonNode send(String what, HttpRequest.Builder builder) throws TrafficException {
        String context = "cloudflare zone " + entry.zone() + ": " + what;
        String token = EntryChecks.resolve(context, entry.tokenRef());
        HttpResponse<String> resp;
        try {
            resp = BoundedHttp.send(http, builder.header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), entry.timeout());
        } catch (HttpTimeoutException e) {
            throw new TrafficException(context + ": no answer within " + entry.timeout().toSeconds() + " s", true, e);
        } catch (IOException e) {
            throw new TrafficException(scrub(context + ": cannot reach " + base + ": " + e, token), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrafficException(context + ": interrupted", true, e);
        }
        int status = resp.statusCode();
        JsonNode body = parse(resp.body());
        String errors = scrub(errors(body), token);
        if (status == 429) {
            Duration after = retryAfter(resp.headers().firstValue("Retry-After").orElse(null));
            String msg = context + ": rate limited by Cloudflare (HTTP 429)" + errors;
            if (after != null) throw new RetryLaterException(msg + "; retry after " + after.toSeconds() + " s", after);
            throw new TrafficException(msg, true);
        }
        if (status >= 500) throw new TrafficException(context + ": Cloudflare answered HTTP " + status + errors, true);
        if (status == 401 || status == 403) {
            throw new TrafficException(context + ": Cloudflare refused the API token (HTTP " + status + ")" + errors
                    + "; check that the token is valid and has Zone:Read and DNS:Edit on zone " + entry.zone(), false);
        }
        if (status == 404) throw new TrafficException(context + ": not found (HTTP 404)" + errors, false);
        if (status >= 300) throw new TrafficException(context + ": Cloudflare answered HTTP " + status + errors, false);
        if (body == null) {
            throw new TrafficException(context + ": Cloudflare answered HTTP " + status + " without a JSON body", true);
        }
        if (!body.path("success").asBoolean(false)) {
            throw new TrafficException(context + ": Cloudflare reported failure" + errors, false);
        }
        return body.path("result");
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) return null;
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    /** ": message (code 10000); ..." from the envelope's errors list, or "". */
    private static String errors(JsonNode body) {
        if (body == null || !body.path("errors").isArray() || body.path("errors").isEmpty()) return "";
        List<String> parts = new ArrayList<>();
        for (JsonNode e : body.path("errors")) {
            String m = e.path("message").asText("");
            parts.add(e.has("code") ? m + " (code " + e.path("code").asText() + ")" : m);
        }
        return ": " + String.join("; ", parts);
    }

    /** Seconds or an HTTP date (RFC 9110 section 10.2.3); null when absent or unreadable. */
    Duration retryAfter(String header) {
        if (header == null || header.isBlank()) return null;
        String h = header.trim();
        try {
            long s = Long.parseLong(h);
            return s < 0 ? null : Duration.ofSeconds(s);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(clock.instant(), ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException e) {
                return null;
            }
        }
    }

    private static String scrub(String text, String token) {
        return token == null || token.isEmpty() ? text : text.replace(token, "[redacted]");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
