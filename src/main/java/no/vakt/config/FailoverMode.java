package no.vakt.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What Vakt does when the primary is confirmed down. */
public enum FailoverMode {
    /** Promote the standby without waiting for a person. */
    @JsonProperty("automatic") AUTOMATIC,
    /** Alert and wait for {@code vakt promote}. */
    @JsonProperty("manual") MANUAL,
    /** Alert only; never promote. */
    @JsonProperty("notify-only") NOTIFY_ONLY;

    public String label() {
        return this == NOTIFY_ONLY ? "notify-only" : name().toLowerCase(java.util.Locale.ROOT);
    }
}
