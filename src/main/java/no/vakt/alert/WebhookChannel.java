package no.vakt.alert;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import no.vakt.config.SecretRef;
import no.vakt.config.WebhookChannelConfig;

/**
 * POSTs the alert as JSON ({@link AlertText#json}) to a URL, signed ({@link WebhookSignature}). The
 * timestamp is taken per attempt, so a retry is signed fresh; the delivery id stays the same across
 * attempts so the receiver can drop duplicates. Any 2xx is delivered.
 */
final class WebhookChannel extends Channel {
    private final URI url;
    private final SecretRef key;
    private final Duration timeout;
    private final HttpSender http;
    private final Clock clock;

    WebhookChannel(String name, WebhookChannelConfig c, HttpSender http, Clock clock) {
        super(name, c);
        this.url = c.url();
        this.key = c.key();
        this.timeout = c.timeout();
        this.http = http;
        this.clock = clock;
    }

    @Override
    void deliver(Alert alert, String id, Instant at) throws DeliveryException, InterruptedException {
        byte[] secret;
        try {
            secret = key.resolve().getBytes(StandardCharsets.UTF_8);
        } catch (SecretRef.SecretUnavailableException e) {
            throw Retryable.never("webhook signing key unavailable: " + e.getMessage());
        }
        byte[] body = AlertText.json(alert, id, at);
        long ts = clock.instant().getEpochSecond();
        http.post(url, url.toString(), body, Map.of(
                WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts),
                WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, ts, body),
                WebhookSignature.ID_HEADER, id), timeout);
    }
}
