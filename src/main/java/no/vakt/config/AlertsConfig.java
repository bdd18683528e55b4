package no.vakt.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The config's {@code alerts:} section: either a list of channels, or a mapping with {@code channels}
 * and the delivery settings.
 *
 * @param approveUrl the dashboard page where a person approves a failover (manual mode); sent next to
 *     the exact approve command. Null when there is no dashboard reachable by the people alerted.
 * @param groupWindow repeats of the same condition inside this window are counted, not re-sent (5m)
 * @param maxAttempts delivery attempts per alert and channel before it counts as failed (5)
 * @param queueSize alerts waiting per channel before the oldest INFO (then the oldest) is dropped (200)
 */
public record AlertsConfig(List<ChannelConfig> channels, URI approveUrl, Duration groupWindow, Integer maxAttempts,
        Integer queueSize) {

    public static final AlertsConfig NONE = new AlertsConfig(List.of(), null, null, null, null);

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public AlertsConfig {
        channels = channels != null ? List.copyOf(channels) : List.of();
        if (approveUrl != null && (approveUrl.getScheme() == null || approveUrl.getHost() == null
                || !(approveUrl.getScheme().equals("https") || approveUrl.getScheme().equals("http")))) {
            throw new IllegalArgumentException("approve-url: expected an absolute http(s) URL of the dashboard");
        }
        groupWindow = groupWindow != null ? groupWindow : Duration.ofMinutes(5);
        if (groupWindow.isNegative()) throw new IllegalArgumentException("group-window: expected a duration, 0 to send every repeat");
        maxAttempts = maxAttempts != null ? maxAttempts : 5;
        // 20 attempts with backoff capped at a minute is already 20 minutes for one alert.
        if (maxAttempts < 1 || maxAttempts > 20) throw new IllegalArgumentException("max-attempts: expected 1 to 20");
        queueSize = queueSize != null ? queueSize : 200;
        if (queueSize < 1 || queueSize > 100_000) throw new IllegalArgumentException("queue-size: expected 1 to 100000");
    }

    /** {@code alerts: [ ... ]}: only the channels, every setting at its default. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static AlertsConfig of(List<ChannelConfig> channels) {
        return new AlertsConfig(channels, null, null, null, null);
    }

    /** The channel's configured name, else its type and position ("email-2"). */
    @JsonIgnore
    public String nameOf(int index) {
        ChannelConfig c = channels.get(index);
        return c.name() != null && !c.name().isBlank() ? c.name() : c.type() + "-" + (index + 1);
    }
}
