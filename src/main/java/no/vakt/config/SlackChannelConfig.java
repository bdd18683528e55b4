package no.vakt.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import no.vakt.cluster.Severity;

/**
 * A Slack incoming webhook. The URL carries the credential, so it is a secret:
 * {@code webhook-url-file} or {@code webhook-url-env}.
 */
public record SlackChannelConfig(String name, Severity minSeverity, Path webhookUrlFile, String webhookUrlEnv,
        PlainSecret webhookUrl, Duration timeout) implements ChannelConfig {
    public SlackChannelConfig {
        minSeverity = minSeverity != null ? minSeverity : Severity.INFO;
        SecretRef.given("webhook-url", webhookUrlFile, webhookUrlEnv, webhookUrl, true);
        timeout = ChannelConfig.positive(timeout, Duration.ofSeconds(10), "timeout");
    }

    public SecretRef url() {
        return SecretRef.given("webhook-url", webhookUrlFile, webhookUrlEnv, null, true);
    }

    @Override
    public String type() {
        return "slack";
    }

    @Override
    public List<Secret> secrets() {
        return List.of(new Secret("Slack webhook URL", url()));
    }
}
