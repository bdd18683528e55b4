package no.vakt.traffic;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import no.vakt.cluster.Sleeper;
import no.vakt.config.PlainSecret;
import no.vakt.config.SecretRef;
import no.vakt.config.VaktConfig;

/**
 * A Cloudflare DNS record (API v4) pointed at the active node:
 * <pre>
 * - type: cloudflare
 *   zone: example.com
 *   record: db.example.com
 *   api-token-file: /etc/vakt/cloudflare.token
 *   targets: {oslo-db: 203.0.113.10, bergen-db: 198.51.100.20}
 * </pre>
 * {@code targets} defaults to each node's MySQL host; {@code record-type} to A. {@code zone-id} skips the
 * zone lookup; {@code account-id} is needed only for an account-owned API token, which Cloudflare
 * verifies under /accounts/{id}/tokens/verify instead of /user/tokens/verify.
 */
public record CloudflareEntry(
        String zone,
        String zoneId,
        String accountId,
        String record,
        String recordType,
        Path apiTokenFile,
        String apiTokenEnv,
        PlainSecret apiToken,
        URI baseUrl,
        Duration timeout,
        Map<String, String> targets)
        implements TrafficEntry {
    static final URI DEFAULT_BASE_URL = URI.create("https://api.cloudflare.com/client/v4");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public CloudflareEntry {
        zone = EntryChecks.dnsName(EntryChecks.required("cloudflare", "zone", zone, "example.com"));
        record = EntryChecks.dnsName(EntryChecks.required("cloudflare", "record", record, "db." + zone));
        if (!record.equals(zone) && !record.endsWith("." + zone)) {
            throw new IllegalArgumentException("cloudflare entry: record '" + record + "' is not inside zone '" + zone
                    + "'; give the full name, for example db." + zone);
        }
        recordType = EntryChecks.recordType("cloudflare", recordType);
        EntryChecks.secret("cloudflare", "api-token", apiToken, apiTokenFile, apiTokenEnv);
        baseUrl = baseUrl != null ? baseUrl : DEFAULT_BASE_URL;
        EntryChecks.httpUrl("cloudflare", "base-url", baseUrl);
        timeout = EntryChecks.positive("cloudflare", "timeout", timeout, DEFAULT_TIMEOUT);
        targets = EntryChecks.targets("cloudflare", "targets", targets);
    }

    SecretRef tokenRef() {
        return EntryChecks.ref(apiTokenFile, apiTokenEnv);
    }

    @Override
    public TrafficProvider open(VaktConfig config) throws TrafficException {
        String what = "cloudflare " + record + " " + recordType;
        EntryTargets resolved = EntryChecks.recordTargets(what, recordType, targets, config);
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        return new CloudflareProvider(this, resolved, new CloudflareApi(this, http, Clock.systemUTC()), Clock.systemUTC(),
                Sleeper.REAL);
    }
}
