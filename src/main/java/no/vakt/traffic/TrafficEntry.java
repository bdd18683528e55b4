package no.vakt.traffic;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import no.vakt.config.VaktConfig;

/**
 * One entry of the config's {@code traffic:} list, chosen by its {@code type:} key (rfc2136, powerdns,
 * cloudflare, route53, haproxy, command). Entries are records in this package; each opens the
 * provider that does the work.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    // one line per provider type: @JsonSubTypes.Type(value = Rfc2136Entry.class, name = "rfc2136"),
    @JsonSubTypes.Type(value = CloudflareEntry.class, name = "cloudflare"),
    @JsonSubTypes.Type(value = Route53Entry.class, name = "route53"),
    @JsonSubTypes.Type(value = HaproxyEntry.class, name = "haproxy"),
    @JsonSubTypes.Type(value = CommandEntry.class, name = "command"),
})
public interface TrafficEntry {
    /** Opens the provider for this entry; {@code config} gives the nodes the entry's targets name. */
    TrafficProvider open(VaktConfig config) throws TrafficException;
}
