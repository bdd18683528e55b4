package no.vakt.alert;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import no.vakt.http.BoundedHttp;

/** POSTs JSON with the JDK client and turns every failure into a {@link DeliveryException}. */
final class HttpSender {
    /** Bodies longer than this are cut in error messages: an error page is not an explanation. */
    private static final int BODY_IN_ERRORS = 200;

    private final HttpClient client;

    HttpSender(HttpClient client) {
        this.client = client;
    }

    static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * @param shownAs how the target appears in errors: the URL itself for a plain webhook, a name for
     *     a secret URL (Slack's), so the secret never reaches the journal
     * @return the response body of a 2xx answer
     */
    String post(URI uri, String shownAs, byte[] body, Map<String, String> headers, Duration timeout)
            throws DeliveryException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "vakt-alerts")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        HttpResponse<String> r;
        try {
            r = BoundedHttp.send(client, b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), timeout);
        } catch (IOException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage().replace(uri.toString(), shownAs)
                    .replace(uri.getRawPath() == null ? "\u0000" : uri.getRawPath(), "");
            throw Retryable.network(e, shownAs + ": " + e.getClass().getSimpleName() + (msg.isBlank() ? "" : ": " + msg));
        } catch (IllegalArgumentException e) {
            throw Retryable.never(shownAs + ": not a usable URL");
        }
        if (r.statusCode() / 100 == 2) return r.body();
        String text = r.body() == null ? "" : r.body();
        throw Retryable.http(r.statusCode(), text.length() > BODY_IN_ERRORS ? text.substring(0, BODY_IN_ERRORS) : text,
                r.headers());
    }
}
