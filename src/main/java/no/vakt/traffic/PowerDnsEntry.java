package no.vakt.traffic;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.vakt.cluster.Sleeper;
import no.vakt.config.PlainSecret;
import no.vakt.config.SecretRef;
import no.vakt.config.VaktConfig;

/**
 * {@code type: powerdns}: a record in a PowerDNS Authoritative server, changed through its HTTP API
 * (PATCH of the rrset) and verified on its DNS listeners.
 *
 * <pre>
 * - type: powerdns
 *   api-url: http://127.0.0.1:8081      # the webserver; /api/v1 is added
 *   server-id: localhost
 *   api-key-file: pdns-api.key          # or api-key-env: VARIABLE
 *   zone: example.org.
 *   record: app
 *   ttl: 60s
 *   targets: {oslo-db: 192.0.2.10, bergen-db: 198.51.100.10}
 *   nameservers: [127.0.0.1:53]         # DNS listeners to verify; default: the API host on port 53
 *   verify-zone-ns: true                # default: also verify every NS of the zone (resolved through the server), port 53
 * </pre>
 */
public record PowerDnsEntry(
        URI apiUrl,
        String serverId,
        Path apiKeyFile,
        String apiKeyEnv,
        PlainSecret apiKey,
        String zone,
        String record,
        Duration ttl,
        Map<String, String> targets,
        List<String> nameservers,
        Boolean verifyZoneNs,
        Duration timeout,
        Duration verifyTimeout,
        Duration maxTtl) implements TrafficEntry {

    public PowerDnsEntry {
        if (apiUrl == null || apiUrl.getHost() == null
                || !("http".equals(apiUrl.getScheme()) || "https".equals(apiUrl.getScheme()))) {
            throw new IllegalArgumentException("api-url: expected the PowerDNS webserver's URL, like http://127.0.0.1:8081");
        }
        serverId = serverId == null ? "localhost" : serverId;
        DnsEntries.secret("api-key", apiKey, apiKeyFile, apiKeyEnv);
        zone = DnsNames.zone(zone);
        record = DnsNames.record(record, zone);
        ttl = DnsEntries.ttl(ttl);
        targets = DnsEntries.targets(targets);
        nameservers = DnsEntries.nameservers(nameservers, List.of(apiUrl.getHost() + ":53"));
        verifyZoneNs = verifyZoneNs == null || verifyZoneNs;
        timeout = DnsEntries.positive(timeout, Duration.ofSeconds(5), "timeout");
        verifyTimeout = DnsEntries.positive(verifyTimeout, Duration.ofSeconds(30), "verify-timeout");
        maxTtl = DnsEntries.positive(maxTtl, null, "max-ttl");
    }

    public SecretRef apiKeySecret() {
        return EntryChecks.ref(apiKeyFile, apiKeyEnv);
    }

    @Override
    public TrafficProvider open(VaktConfig config) throws TrafficException {
        return PowerDnsProvider.open(this, config, Clock.systemUTC(), Sleeper.REAL);
    }
}
