package no.vakt.traffic;

import no.vakt.config.TrafficEntryConfig;
import no.vakt.config.VaktConfig;

/**
 * One entry of the config's {@code traffic:} list (rfc2136, powerdns, cloudflare, route53, haproxy,
 * command; names in {@link TrafficEntryRecords}). Entries are records in this package; each opens the
 * provider that does the work.
 */
public interface TrafficEntry extends TrafficEntryConfig {
    /** Opens the provider for this entry; {@code config} gives the nodes the entry's targets name. */
    TrafficProvider open(VaktConfig config) throws TrafficException;

    /** An entry of {@link VaktConfig#traffic()}: the config binds only the records registered by this package. */
    static TrafficEntry of(TrafficEntryConfig entry) {
        return (TrafficEntry) entry;
    }
}
