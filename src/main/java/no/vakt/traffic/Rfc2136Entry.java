package no.vakt.traffic;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.vakt.cluster.HostPort;
import no.vakt.cluster.Sleeper;
import no.vakt.config.PlainSecret;
import no.vakt.config.SecretRef;
import no.vakt.config.VaktConfig;

/**
 * {@code type: rfc2136}: a DNS record kept pointing at the primary by dynamic updates (RFC 2136)
 * signed with TSIG, as BIND, Knot and PowerDNS accept them.
 *
 * <pre>
 * - type: rfc2136
 *   zone: example.org.
 *   record: app                  # app.example.org.
 *   ttl: 60s
 *   server: ns1.example.org:53   # where updates go (the zone's primary)
 *   key-file: tsig.key           # the clause tsig-keygen writes, or a bare base64 secret with key-name
 *   targets: {oslo-db: 192.0.2.10, bergen-db: 198.51.100.10}   # default: each node's mysql host if an IP
 *   nameservers: [ns2.example.org:53]   # more authorities to verify (the server is always verified)
 *   verify-zone-ns: true         # default: also verify every NS of the zone (resolved through the server), port 53
 * </pre>
 */
public record Rfc2136Entry(
        String zone,
        String record,
        Duration ttl,
        String server,
        Path keyFile,
        String keyEnv,
        PlainSecret key,
        String keyName,
        String keyAlgorithm,
        Map<String, String> targets,
        List<String> nameservers,
        Boolean verifyZoneNs,
        Duration timeout,
        Duration verifyTimeout,
        Duration maxTtl) implements TrafficEntry {

    public Rfc2136Entry {
        zone = DnsNames.zone(zone);
        record = DnsNames.record(record, zone);
        ttl = DnsEntries.ttl(ttl);
        if (server == null) throw new IllegalArgumentException("server: expected the zone's primary name server as host:port");
        HostPort.parse(server, 53);
        DnsEntries.secret("key", key, keyFile, keyEnv);
        if (keyAlgorithm != null) {
            try {
                org.xbill.DNS.TSIG.algorithmToName(keyAlgorithm);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("key-algorithm: expected hmac-sha256 (or hmac-sha512, hmac-sha384,"
                        + " hmac-sha224, hmac-sha1, hmac-md5); got '" + keyAlgorithm + "'");
            }
        }
        targets = DnsEntries.targets(targets);
        nameservers = DnsEntries.nameservers(nameservers, List.of());
        // Default on: clients ask any of the zone's name servers, so every one must answer the new address.
        verifyZoneNs = verifyZoneNs == null || verifyZoneNs;
        timeout = DnsEntries.positive(timeout, Duration.ofSeconds(2), "timeout");
        verifyTimeout = DnsEntries.positive(verifyTimeout, Duration.ofSeconds(30), "verify-timeout");
        maxTtl = DnsEntries.positive(maxTtl, null, "max-ttl");
    }

    public SecretRef keySecret() {
        return EntryChecks.ref(keyFile, keyEnv);
    }

    @Override
    public TrafficProvider open(VaktConfig config) throws TrafficException {
        return Rfc2136Provider.open(this, config, Clock.systemUTC(), Sleeper.REAL);
    }
}
