package no.vakt.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The role a node is configured with; the live role can differ after a failover. */
public enum Role {
    @JsonProperty("primary") PRIMARY,
    @JsonProperty("standby") STANDBY;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
