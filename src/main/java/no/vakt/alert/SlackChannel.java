package no.vakt.alert;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import no.vakt.config.SecretRef;
import no.vakt.config.SlackChannelConfig;

/**
 * Posts to a Slack incoming webhook ({@code {"text", "blocks"}}). Slack answers 200 "ok", or an HTTP
 * error whose body names the problem ({@code invalid_payload}, {@code no_service},
 * {@code channel_is_archived}, ...); 429 comes with Retry-After. The webhook URL is the credential:
 * it is read when sending and appears in no message ("slack webhook" stands for it).
 */
final class SlackChannel extends Channel {
    private final SecretRef url;
    private final Duration timeout;
    private final HttpSender http;

    SlackChannel(String name, SlackChannelConfig c, HttpSender http) {
        super(name, c);
        this.url = c.url();
        this.timeout = c.timeout();
        this.http = http;
    }

    @Override
    void deliver(Alert alert, String id, Instant at) throws DeliveryException, InterruptedException {
        URI target;
        try {
            target = URI.create(url.resolve().trim());
        } catch (SecretRef.SecretUnavailableException e) {
            throw Retryable.never("Slack webhook URL unavailable: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw Retryable.never("the Slack webhook URL in " + url + " is not a URL");
        }
        if (target.getScheme() == null || target.getHost() == null) {
            throw Retryable.never("the Slack webhook URL in " + url + " is not an absolute URL");
        }
        http.post(target, "slack webhook", AlertText.slack(alert, at), Map.of(), timeout);
    }
}
