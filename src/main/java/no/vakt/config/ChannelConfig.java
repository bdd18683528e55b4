package no.vakt.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Duration;
import java.util.List;
import no.vakt.cluster.Severity;

/**
 * One entry of {@code alerts:}, chosen by its {@code type:} key. Every channel may set {@code name}
 * (shown in the journal; default its type and position) and {@code min-severity} (default info).
 * Secrets (webhook URLs, HMAC keys, SMTP passwords) are given only by reference.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = SlackChannelConfig.class, name = "slack"),
    @JsonSubTypes.Type(value = WebhookChannelConfig.class, name = "webhook"),
    @JsonSubTypes.Type(value = EmailChannelConfig.class, name = "email"),
    @JsonSubTypes.Type(value = CommandChannelConfig.class, name = "command"),
})
public sealed interface ChannelConfig
        permits SlackChannelConfig, WebhookChannelConfig, EmailChannelConfig, CommandChannelConfig {

    /** The name given in the config, or null. */
    String name();

    Severity minSeverity();

    /** "slack", "webhook", ... */
    String type();

    /** How long one delivery attempt may take. */
    Duration timeout();

    /** The secrets this channel needs, each with what it is for ("Slack webhook URL"). */
    List<Secret> secrets();

    record Secret(String purpose, SecretRef ref) {}

    static Duration positive(Duration d, Duration dflt, String key) {
        if (d == null) return dflt;
        if (d.isZero() || d.isNegative()) throw new IllegalArgumentException(key + ": expected a positive duration");
        return d;
    }
}
