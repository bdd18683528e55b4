package no.vakt.traffic;

import java.util.Map;
import no.vakt.config.TrafficEntryConfig;
import no.vakt.config.TrafficEntryTypes;

/** The {@code type:} names of the traffic entries, registered with the config in META-INF/services. */
public final class TrafficEntryRecords implements TrafficEntryTypes {
    @Override
    public Map<String, Class<? extends TrafficEntryConfig>> byName() {
        // one line per provider type
        return Map.of(
                "rfc2136", Rfc2136Entry.class,
                "powerdns", PowerDnsEntry.class,
                "cloudflare", CloudflareEntry.class,
                "route53", Route53Entry.class,
                "haproxy", HaproxyEntry.class,
                "command", CommandEntry.class);
    }
}
