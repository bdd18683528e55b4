package no.vakt.traffic;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import no.vakt.cluster.Sleeper;
import no.vakt.config.PlainSecret;
import no.vakt.config.SecretRef;
import no.vakt.config.VaktConfig;

/**
 * An Amazon Route 53 record set pointed at the active node:
 * <pre>
 * - type: route53
 *   hosted-zone-id: Z0123456789ABCDEFGHIJ
 *   record: db.example.com
 *   access-key-id: AKIAIOSFODNN7EXAMPLE
 *   secret-access-key-file: /etc/vakt/route53.secret
 *   targets: {oslo-db: 203.0.113.10, bergen-db: 198.51.100.20}
 * </pre>
 * Credentials are always these static ones and the region always explicit ({@code us-east-1}, the
 * region Route 53 requests are signed for, by default): the SDK never looks at its default credential
 * chain or the instance metadata service.
 */
public record Route53Entry(
        String hostedZoneId,
        String record,
        String recordType,
        String accessKeyId,
        Path secretAccessKeyFile,
        String secretAccessKeyEnv,
        PlainSecret secretAccessKey,
        String region,
        URI endpoint,
        Duration timeout,
        Map<String, String> targets)
        implements TrafficEntry {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public Route53Entry {
        hostedZoneId = EntryChecks.required("route53", "hosted-zone-id", hostedZoneId, "Z0123456789ABCDEFGHIJ");
        // The API accepts "Z..." and returns "/hostedzone/Z..."; keep the bare id.
        if (hostedZoneId.startsWith("/hostedzone/")) hostedZoneId = hostedZoneId.substring("/hostedzone/".length());
        record = EntryChecks.dnsName(EntryChecks.required("route53", "record", record, "db.example.com"));
        recordType = EntryChecks.recordType("route53", recordType);
        accessKeyId = EntryChecks.required("route53", "access-key-id", accessKeyId, "AKIAIOSFODNN7EXAMPLE");
        EntryChecks.secret("route53", "secret-access-key", secretAccessKey, secretAccessKeyFile, secretAccessKeyEnv);
        // Route 53 is global but signed for us-east-1 (cn-northwest-1, us-gov-west-1 in the other partitions).
        // Not "aws-global": with an endpoint override the SDK then signs for "aws-global", which Route 53 refuses.
        region = region != null && !region.isBlank() ? region.trim() : "us-east-1";
        EntryChecks.httpUrl("route53", "endpoint", endpoint);
        timeout = EntryChecks.positive("route53", "timeout", timeout, DEFAULT_TIMEOUT);
        targets = EntryChecks.targets("route53", "targets", targets);
    }

    SecretRef secretRef() {
        return EntryChecks.ref(secretAccessKeyFile, secretAccessKeyEnv);
    }

    @Override
    public TrafficProvider open(VaktConfig config) throws TrafficException {
        String what = "route53 " + record + " " + recordType;
        EntryTargets resolved = EntryChecks.recordTargets(what, recordType, targets, config);
        String secret = EntryChecks.resolve(what, secretRef());
        return new Route53Provider(this, resolved, Route53Clients.create(this, secret), Clock.systemUTC(), Sleeper.REAL);
    }
}
