package no.vakt.traffic;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Duration;
import java.util.Map;
import no.vakt.config.VaktConfig;

/**
 * One entry of the config's {@code traffic:} list, chosen by its {@code type:} key (rfc2136, powerdns,
 * cloudflare, route53, haproxy, command). Entries are records in this package; each opens the
 * provider that does the work.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    // one line per provider type
    @JsonSubTypes.Type(value = Rfc2136Entry.class, name = "rfc2136"),
    @JsonSubTypes.Type(value = PowerDnsEntry.class, name = "powerdns"),
    @JsonSubTypes.Type(value = CloudflareEntry.class, name = "cloudflare"),
    @JsonSubTypes.Type(value = Route53Entry.class, name = "route53"),
    @JsonSubTypes.Type(value = HaproxyEntry.class, name = "haproxy"),
    @JsonSubTypes.Type(value = CommandEntry.class, name = "command"),
})
public interface TrafficEntry {
    /** Opens the provider for this entry; {@code config} gives the nodes the entry's targets name. */
    TrafficProvider open(VaktConfig config) throws TrafficException;

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

    /** The bound handed to {@link TrafficProvider#verify}; a record with a {@code verifyTimeout} component answers this. */
    default Duration verifyTimeout() {
        return Duration.ofSeconds(30);
    }
}
