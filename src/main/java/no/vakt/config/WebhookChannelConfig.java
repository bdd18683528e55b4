package no.vakt.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import no.vakt.cluster.Severity;

/**
 * A generic JSON webhook: each alert is POSTed to {@code url}, signed with HMAC-SHA256 under the key
 * from {@code secret-file}/{@code secret-env} (see {@code WebhookChannel} for the headers).
 */
public record WebhookChannelConfig(String name, Severity minSeverity, URI url, Path secretFile, String secretEnv,
        PlainSecret secret, Duration timeout) implements ChannelConfig {
    public WebhookChannelConfig {
        minSeverity = minSeverity != null ? minSeverity : Severity.INFO;
        if (url == null || url.getScheme() == null || url.getHost() == null
                || !(url.getScheme().equals("https") || url.getScheme().equals("http"))) {
            throw new IllegalArgumentException("url: expected an absolute http(s) URL like https://hooks.example.no/vakt");
        }
        if (url.getUserInfo() != null) {
            throw new IllegalArgumentException("url: credentials in the URL are not allowed; the body is signed with secret-file");
        }
        SecretRef.given("secret", secretFile, secretEnv, secret, true);
        timeout = ChannelConfig.positive(timeout, Duration.ofSeconds(10), "timeout");
    }

    public SecretRef key() {
        return SecretRef.given("secret", secretFile, secretEnv, null, true);
    }

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public List<Secret> secrets() {
        return List.of(new Secret("webhook signing key", key()));
    }
}
