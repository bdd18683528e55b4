package no.vakt.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import no.vakt.config.VaktConfig;
import no.vakt.testing.Loopback;
import no.vakt.testing.ManualClock;
import no.vakt.testing.StallingHttpServer;
import no.vakt.traffic.TrafficProvider.ApplyOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cloudflare provider against a stand-in that checks requests against Cloudflare's API v4 documentation. */
class CloudflareContractTest {
    static final String TOKEN = "cf-test-token-Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQ";
    static final String OSLO = "203.0.113.10";
    static final String BERGEN = "198.51.100.20";

    @TempDir
    Path dir;

    CloudflareStandIn cf;
    Path tokenFile;

    @BeforeEach
    void start() throws Exception {
        cf = new CloudflareStandIn("127.0.42.10", TOKEN);
        cf.zone("example.com");
        cf.record("372e67954025e0ba6aaa6d586b9e0b59", "db.example.com", "A", OSLO, 60, false);
        cf.record("9a7806061c88ada191ed06f989cc3dac", "www.example.com", "A", "192.0.2.1", 1, true);
        tokenFile = dir.resolve("cf.token");
        Files.writeString(tokenFile, TOKEN + "\n");
    }

    @AfterEach
    void stop() {
        try {
            assertThat(cf.violations()).as("requests that break the documented API").isEmpty();
        } finally {
            cf.close();
        }
    }

    private TrafficProvider open(String extra) throws Exception {
        VaktConfig c = TrafficTestConfig.load(dir, """
                  - type: cloudflare
                    zone: example.com
                    record: db.example.com
                    api-token-file: %s
                    base-url: %s
                    timeout: 2s
                    targets: {oslo-db: %s, bergen-db: %s}
                %s""".formatted(tokenFile, cf.baseUrl(), OSLO, BERGEN, extra));
        return TrafficEntry.of(c.traffic().get(0)).open(c);
    }

    @Test
    void appliesTheChangeKeepingTtlAndProxiedThenShowsAndVerifiesIt() throws Exception {
        TrafficProvider p = open("");
        assertThat(p.describe()).isEqualTo("cloudflare db.example.com A");
        assertThat(p.show()).isEqualTo(new TrafficProvider.PointsAt(java.util.List.of(OSLO), "oslo-db", 60L));

        assertThat(p.apply("bergen-db", 7)).isEqualTo(ApplyOutcome.CHANGED);

        CloudflareStandIn.Request patch = cf.requests().stream().filter(r -> r.method().equals("PATCH")).findFirst().orElseThrow();
        assertThat(patch.path()).isEqualTo("/client/v4/zones/" + CloudflareStandIn.ZONE_ID + "/dns_records/372e67954025e0ba6aaa6d586b9e0b59");
        assertThat(patch.body().path("content").asText()).isEqualTo(BERGEN);
        assertThat(patch.body().path("ttl").asInt()).isEqualTo(60);
        assertThat(patch.body().path("proxied").asBoolean(true)).isFalse();
        assertThat(cf.stored("372e67954025e0ba6aaa6d586b9e0b59").path("content").asText()).isEqualTo(BERGEN);
        // the lookups are the documented ones: zone by name, record by name and type
        assertThat(cf.requests().get(0).query()).containsEntry("name", "example.com");
        assertThat(cf.requests()).anySatisfy(r -> assertThat(r.query()).containsEntry("name", "db.example.com").containsEntry("type", "A"));

        assertThat(p.show().node()).isEqualTo("bergen-db");
        assertThat(p.verify("bergen-db", Duration.ofSeconds(5))).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void reApplyingTheSameTargetWritesNothing() throws Exception {
        TrafficProvider p = open("");
        assertThat(p.apply("oslo-db", 3)).isEqualTo(ApplyOutcome.UNCHANGED);
        assertThat(p.apply("bergen-db", 4)).isEqualTo(ApplyOutcome.CHANGED);
        assertThat(p.apply("bergen-db", 4)).isEqualTo(ApplyOutcome.UNCHANGED);
        assertThat(cf.count("PATCH")).isEqualTo(1);
        // the zone id is looked up once and kept
        assertThat(cf.requests().stream().filter(r -> r.path().equals("/client/v4/zones")).count()).isEqualTo(1);
    }

    @Test
    void rateLimitIsRetryableWithRetryAfterAndTheRetrySucceeds() throws Exception {
        TrafficProvider p = open("");
        cf.failNext(429, "7", "PATCH");
        RetryLaterException limited = catchThrowableOfType(() -> p.apply("bergen-db", 5), RetryLaterException.class);
        assertThat(limited.retryable()).isTrue();
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(limited.getMessage()).contains("HTTP 429").contains("retry after 7 s");

        // a retry loop like the traffic switch's: retryable failures are tried again, a bounded number of times
        cf.failNext(503, null, "GET");
        ApplyOutcome outcome = null;
        for (int attempt = 0; attempt < 3 && outcome == null; attempt++) {
            try {
                outcome = p.apply("bergen-db", 5);
            } catch (TrafficException e) {
                assertThat(e.retryable()).as(e.getMessage()).isTrue();
            }
        }
        assertThat(outcome).isEqualTo(ApplyOutcome.CHANGED);
        assertThat(cf.stored("372e67954025e0ba6aaa6d586b9e0b59").path("content").asText()).isEqualTo(BERGEN);
    }

    @Test
    void aRefusedTokenFailsAtOnceNamingTheZoneButNotTheToken() throws Exception {
        Files.writeString(tokenFile, "cf-wrong-token-0123456789abcdef");
        TrafficProvider p = open("");
        TrafficException e = catchThrowableOfType(() -> p.apply("bergen-db", 5), TrafficException.class);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage())
                .contains("zone example.com").contains("HTTP 403").contains("Authentication error")
                .doesNotContain("cf-wrong-token").doesNotContain(TOKEN);
        assertThatThrownBy(p::checkAccess).hasMessageContaining("refused the API token");
        assertThat(cf.count("PATCH")).isZero();
    }

    @Test
    void aMissingRecordOrZoneFailsAtOnce() throws Exception {
        VaktConfig c = TrafficTestConfig.load(dir, """
                  - type: cloudflare
                    zone: example.com
                    record: gone.example.com
                    api-token-file: %s
                    base-url: %s
                    targets: {oslo-db: %s, bergen-db: %s}
                  - type: cloudflare
                    zone: example.org
                    record: db.example.org
                    api-token-file: %s
                    base-url: %s
                    targets: {oslo-db: %s, bergen-db: %s}
                """.formatted(tokenFile, cf.baseUrl(), OSLO, BERGEN, tokenFile, cf.baseUrl(), OSLO, BERGEN));
        TrafficException noRecord = catchThrowableOfType(() -> TrafficEntry.of(c.traffic().get(0)).open(c).apply("bergen-db", 1), TrafficException.class);
        assertThat(noRecord.retryable()).isFalse();
        assertThat(noRecord.getMessage()).contains("no A record gone.example.com");
        TrafficException noZone = catchThrowableOfType(() -> TrafficEntry.of(c.traffic().get(1)).open(c).show(), TrafficException.class);
        assertThat(noZone.retryable()).isFalse();
        assertThat(noZone.getMessage()).contains("cloudflare zone example.org not found");
    }

    @Test
    void checkAccessVerifiesTheTokenAndFindsTheRecordWithoutWriting() throws Exception {
        TrafficProvider p = open("    zone-id: " + CloudflareStandIn.ZONE_ID + "\n");
        p.checkAccess();
        assertThat(cf.requests()).extracting(CloudflareStandIn.Request::path)
                .containsExactly("/client/v4/user/tokens/verify", "/client/v4/zones/" + CloudflareStandIn.ZONE_ID + "/dns_records");
    }

    @Test
    void anAccountOwnedTokenIsVerifiedUnderTheAccount() throws Exception {
        TrafficProvider p = open("    account-id: 01a7362d577a6c3019a474fd6f485823\n");
        p.checkAccess();
        assertThat(cf.requests().get(0).path()).isEqualTo("/client/v4/accounts/01a7362d577a6c3019a474fd6f485823/tokens/verify");
    }

    @Test
    void aSlowAnswerIsARetryableTimeout() throws Exception {
        TrafficProvider p = open("");
        cf.delay(2500);
        TrafficException e = catchThrowableOfType(p::show, TrafficException.class);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("no answer within 2 s");
    }

    @Test
    void anApiThatStallsAfterItsHeadersIsARetryableTimeout() throws Exception {
        try (StallingHttpServer stalled = new StallingHttpServer(Loopback.nextAddress())) {
            VaktConfig c = TrafficTestConfig.load(dir, """
                      - type: cloudflare
                        zone: example.com
                        record: db.example.com
                        api-token-file: %s
                        base-url: %s
                        timeout: 2s
                        targets: {oslo-db: %s, bergen-db: %s}
                    """.formatted(tokenFile, stalled.uri("/client/v4"), OSLO, BERGEN));
            TrafficProvider p = TrafficEntry.of(c.traffic().get(0)).open(c);
            // Without a deadline on the body this never returns: fail instead of hanging the build.
            TrafficException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> catchThrowableOfType(p::show, TrafficException.class));
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("no answer within 2 s");
            assertThat(stalled.requests()).isEqualTo(1);
        }
    }

    @Test
    void verifyGivesUpAfterItsBoundAndAutoTtlIsShownAs300() throws Exception {
        CloudflareEntry entry = new CloudflareEntry("example.com", null, null, "www.example.com", null, tokenFile, null, null,
                cf.baseUrl(), null, null);
        // Moves only when the poll pauses: the time bound costs no real time.
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        CloudflareProvider p = new CloudflareProvider(entry, EntryTargets.of("www", Map.of("oslo-db", "192.0.2.1", "bergen-db", "192.0.2.2")),
                new CloudflareApi(entry, HttpClient.newHttpClient(), clock), clock, clock::advance);
        assertThat(p.show().ttlSeconds()).isEqualTo(CloudflareProvider.AUTO_TTL_SECONDS);
        TrafficException e = catchThrowableOfType(() -> p.verify("bergen-db", Duration.ofSeconds(5)), TrafficException.class);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("not visible within 5 s");
        // one read a second over a 5 s bound
        assertThat(cf.requests().stream().filter(r -> r.path().endsWith("/dns_records")).count()).isBetween(5L, 7L);
    }

    @Test
    void retryAfterAlsoReadsAnHttpDate() {
        CloudflareEntry entry = new CloudflareEntry("example.com", null, null, "db.example.com", null, tokenFile, null, null, null, null, null);
        // Moves only when the poll pauses: the time bound costs no real time.
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        CloudflareApi api = new CloudflareApi(entry, HttpClient.newHttpClient(), clock);
        assertThat(api.retryAfter("Tue, 01 Jan 2030 00:00:30 GMT")).isEqualTo(Duration.ofSeconds(30));
        assertThat(api.retryAfter("soon")).isNull();
    }
}
