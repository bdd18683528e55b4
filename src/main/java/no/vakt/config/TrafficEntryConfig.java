package no.vakt.config;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Duration;
import java.util.Map;

/**
 * One entry of the config's {@code traffic:} list as the config sees it, chosen by its {@code type:} key.
 * The types (rfc2136, powerdns, ...) are records of the traffic package, registered through
 * {@link TrafficEntryTypes}, so the config names no feature; that package opens their providers.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
public interface TrafficEntryConfig {
    /**
     * Node name to what this entry points at for that node (an address, a backend server). The config
     * validator checks that every name is a configured node; a record with a {@code targets}
     * component answers this by itself.
     */
    default Map<String, String> targets() {
        return Map.of();
    }

    /**
     * The largest record TTL {@code vakt check} accepts for this entry; null: {@code policy.max-ttl}.
     * Entries without a TTL (a load balancer) leave it null. A record with a {@code maxTtl} component
     * answers this by itself.
     */
    default Duration maxTtl() {
        return null;
    }

    /** The bound the provider's verify gets; a record with a {@code verifyTimeout} component answers this. */
    default Duration verifyTimeout() {
        return Duration.ofSeconds(30);
    }
}
