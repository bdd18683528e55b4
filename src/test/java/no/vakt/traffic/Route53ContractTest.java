package no.vakt.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import no.vakt.config.VaktConfig;
import no.vakt.testing.ManualClock;
import no.vakt.traffic.TrafficProvider.ApplyOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The route53 provider (AWS SDK v2) against a stand-in that checks requests against the Route 53 API Reference. */
class Route53ContractTest {
    static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final String ZONE = "Z0123456789ABCDEFGHIJ";
    static final String OSLO = "203.0.113.10";
    static final String BERGEN = "198.51.100.20";

    @TempDir
    Path dir;

    Route53StandIn aws;
    Path secretFile;

    @BeforeAll
    static void neverTheMetadataService() {
        // Belt and braces: the client is built with explicit region and credentials, so the SDK has no
        // reason to look for instance metadata; this makes sure it could not.
        System.setProperty("aws.disableEc2Metadata", "true");
    }

    @BeforeEach
    void start() throws Exception {
        aws = new Route53StandIn("127.0.42.20", KEY_ID, SECRET, ZONE, "example.com.");
        aws.put("example.com.", "NS", 172800, "ns-2048.awsdns-64.com.");
        aws.put("db.example.com.", "A", 60, OSLO);
        aws.put("db.example.com.", "TXT", 60, "\"vakt\"");
        aws.put("www.example.com.", "A", 300, "192.0.2.1");
        secretFile = dir.resolve("r53.secret");
        Files.writeString(secretFile, SECRET + "\n");
    }

    @AfterEach
    void stop() {
        try {
            assertThat(aws.violations()).as("requests that break the documented API").isEmpty();
        } finally {
            aws.close();
        }
    }

    private TrafficProvider open(String record) throws Exception {
        VaktConfig c = TrafficTestConfig.load(dir, """
                  - type: route53
                    hosted-zone-id: %s
                    record: %s
                    access-key-id: %s
                    secret-access-key-file: %s
                    endpoint: %s
                    timeout: 2s
                    targets: {oslo-db: %s, bergen-db: %s}
                """.formatted(ZONE, record, KEY_ID, secretFile, aws.endpoint(), OSLO, BERGEN));
        return TrafficEntry.of(c.traffic().get(0)).open(c);
    }

    @Test
    void upsertsTheRecordKeepingItsTtlThenWaitsForInsync() throws Exception {
        TrafficProvider p = open("db.example.com");
        assertThat(p.show()).isEqualTo(new TrafficProvider.PointsAt(List.of(OSLO), "oslo-db", 60L));
        aws.pendingFor(1);

        assertThat(p.apply("bergen-db", 9)).isEqualTo(ApplyOutcome.CHANGED);

        Route53StandIn.Request post = aws.requests().stream().filter(r -> r.method().equals("POST")).findFirst().orElseThrow();
        assertThat(post.path()).isEqualTo("/2013-04-01/hostedzone/" + ZONE + "/rrset/");
        assertThat(post.body()).contains("xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"")
                .contains("<Action>UPSERT</Action>").contains("<TTL>60</TTL>").contains("<Value>" + BERGEN + "</Value>")
                .contains("epoch 9");
        assertThat(aws.get("db.example.com.", "A")).isEqualTo(new Route53StandIn.RecordSet("db.example.com.", "A", 60, List.of(BERGEN)));
        // the other record sets of the name are untouched
        assertThat(aws.get("db.example.com.", "TXT").values()).containsExactly("\"vakt\"");

        // one GetChange answers PENDING, the next INSYNC; the poll's pause is real here (2 s)
        Duration took = p.verify("bergen-db", Duration.ofSeconds(10));
        assertThat(took).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(10));
        assertThat(aws.requests()).filteredOn(r -> r.path().startsWith("/2013-04-01/change/")).hasSize(2);
        assertThat(p.show().node()).isEqualTo("bergen-db");
    }

    @Test
    void reApplyingTheSameTargetWritesNothing() throws Exception {
        TrafficProvider p = open("db.example.com.");
        assertThat(p.apply("oslo-db", 1)).isEqualTo(ApplyOutcome.UNCHANGED);
        assertThat(p.apply("bergen-db", 2)).isEqualTo(ApplyOutcome.CHANGED);
        assertThat(p.apply("bergen-db", 2)).isEqualTo(ApplyOutcome.UNCHANGED);
        assertThat(aws.count("POST")).isEqualTo(1);
        // the read is the documented ListResourceRecordSets: start name and type, few items
        Route53StandIn.Request list = aws.requests().get(0);
        assertThat(list.path()).isEqualTo("/2013-04-01/hostedzone/" + ZONE + "/rrset");
        assertThat(list.query()).containsEntry("name", "db.example.com.").containsEntry("type", "A").containsKey("maxitems");
    }

    @Test
    void throttlingIsRetryableAndTheRetrySucceeds() throws Exception {
        TrafficProvider p = open("db.example.com");
        aws.failNext(400, "Throttling", "Rate exceeded", "POST");
        TrafficException throttled = catchThrowableOfType(() -> p.apply("bergen-db", 3), TrafficException.class);
        assertThat(throttled.retryable()).isTrue();
        assertThat(throttled.getMessage()).contains("Throttling");

        aws.failNext(400, "PriorRequestNotComplete", "The request was rejected because Route 53 was still processing a prior request.", "POST");
        aws.failNext(503, "ServiceUnavailable", "Service unavailable", "POST");
        ApplyOutcome outcome = null;
        // a bounded retry loop like the traffic switch's
        for (int attempt = 0; attempt < 4 && outcome == null; attempt++) {
            try {
                outcome = p.apply("bergen-db", 3);
            } catch (TrafficException e) {
                assertThat(e.retryable()).as(e.getMessage()).isTrue();
            }
        }
        assertThat(outcome).isEqualTo(ApplyOutcome.CHANGED);
        assertThat(aws.get("db.example.com.", "A").values()).containsExactly(BERGEN);
        // no SDK-internal retries: exactly one POST per attempt (3 refused + 1 accepted)
        assertThat(aws.count("POST")).isEqualTo(4);
    }

    @Test
    void accessDeniedAndAWrongSecretFailAtOnceWithAClearMessage() throws Exception {
        TrafficProvider p = open("db.example.com");
        aws.denyChanges();
        TrafficException denied = catchThrowableOfType(() -> p.apply("bergen-db", 3), TrafficException.class);
        assertThat(denied.retryable()).isFalse();
        assertThat(denied.getMessage()).contains("zone " + ZONE).contains("HTTP 403 AccessDenied").contains("refused the credentials")
                .contains("route53:ChangeResourceRecordSets");

        Files.writeString(secretFile, "not-the-secret-0000000000000000000000000");
        TrafficException badSecret = catchThrowableOfType(() -> open("db.example.com").checkAccess(), TrafficException.class);
        assertThat(badSecret.retryable()).isFalse();
        assertThat(badSecret.getMessage()).contains("SignatureDoesNotMatch").doesNotContain("not-the-secret").doesNotContain(SECRET);
    }

    @Test
    void aMissingRecordOrHostedZoneFailsAtOnce() throws Exception {
        TrafficException noRecord = catchThrowableOfType(() -> open("gone.example.com").apply("bergen-db", 1), TrafficException.class);
        assertThat(noRecord.retryable()).isFalse();
        assertThat(noRecord.getMessage()).contains("no A record gone.example.com");
        assertThat(aws.count("POST")).isZero();

        aws.failNext(400, "InvalidChangeBatch", "RRSet of type A with DNS name db.example.com. is not permitted", "POST");
        TrafficException invalid = catchThrowableOfType(() -> open("db.example.com").apply("bergen-db", 1), TrafficException.class);
        assertThat(invalid.retryable()).isFalse();
        assertThat(invalid.getMessage()).contains("InvalidChangeBatch");

        VaktConfig c = TrafficTestConfig.load(dir, """
                  - type: route53
                    hosted-zone-id: ZNOSUCHZONE
                    record: db.example.com
                    access-key-id: %s
                    secret-access-key-file: %s
                    endpoint: %s
                    targets: {oslo-db: %s, bergen-db: %s}
                """.formatted(KEY_ID, secretFile, aws.endpoint(), OSLO, BERGEN));
        TrafficException noZone = catchThrowableOfType(() -> TrafficEntry.of(c.traffic().get(0)).open(c).checkAccess(), TrafficException.class);
        assertThat(noZone.retryable()).isFalse();
        assertThat(noZone.getMessage()).contains("hosted zone ZNOSUCHZONE does not exist");
    }

    @Test
    void checkAccessReadsOnly() throws Exception {
        open("db.example.com").checkAccess();
        assertThat(aws.requests()).extracting(Route53StandIn.Request::path)
                .containsExactly("/2013-04-01/hostedzone/" + ZONE, "/2013-04-01/hostedzone/" + ZONE + "/rrset");
    }

    @Test
    void verifyGivesUpWhenTheChangeStaysPending() throws Exception {
        VaktConfig c = TrafficTestConfig.load(dir, """
                  - type: route53
                    hosted-zone-id: %s
                    record: db.example.com
                    access-key-id: %s
                    secret-access-key-file: %s
                    endpoint: %s
                    targets: {oslo-db: %s, bergen-db: %s}
                """.formatted(ZONE, KEY_ID, secretFile, aws.endpoint(), OSLO, BERGEN));
        Route53Entry entry = (Route53Entry) c.traffic().get(0);
        // Moves only when the poll pauses: the time bound costs no real time.
        ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
        Route53Provider p = new Route53Provider(entry, EntryTargets.of("db", entry.targets()),
                Route53Clients.create(entry, SECRET), clock, clock::advance);
        aws.pendingFor(1000);
        p.apply("bergen-db", 4);
        TrafficException e = catchThrowableOfType(() -> p.verify("bergen-db", Duration.ofSeconds(60)), TrafficException.class);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("not visible within 60 s");
        // one GetChange every 2 s over 60 s
        assertThat(aws.requests()).filteredOn(r -> r.path().startsWith("/2013-04-01/change/")).hasSizeBetween(29, 31);
    }
}
