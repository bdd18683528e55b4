package no.vakt.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.vakt.cluster.RetryPolicy;
import no.vakt.config.ConfigException;
import no.vakt.config.ConfigLoader;
import no.vakt.config.SecretRef;
import no.vakt.config.VaktConfig;
import org.junit.jupiter.api.Test;

/** The traffic section as the config loader reads it: defaults, and errors with file, line, column and field. */
class TrafficConfigTest {
    static final Path DIR = Path.of("/etc/vakt");

    static VaktConfig parse(String traffic) {
        return ConfigLoader.parse(DIR.resolve("vakt.yml"), DnsFixture.configText(DIR, traffic));
    }

    static String problems(String traffic) {
        try {
            parse(traffic);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the config to be refused");
    }

    @Test
    void anRfc2136EntryGetsItsDefaultsAndRelativeNamesAndPaths() {
        VaktConfig c = parse("traffic:\n  - type: rfc2136\n    zone: example.org\n    record: app\n"
                + "    server: 192.0.2.53\n    key-file: secrets/tsig.key\n");
        Rfc2136Entry e = (Rfc2136Entry) c.traffic().get(0);
        assertThat(e.zone()).isEqualTo("example.org.");
        assertThat(e.record()).isEqualTo("app.example.org.");
        assertThat(e.ttl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(e.keySecret()).isEqualTo(SecretRef.ofFile(Path.of("/etc/vakt/secrets/tsig.key")));
        assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(e.verifyTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(e.verifyZoneNs()).as("every NS of the zone is verified unless opted out").isTrue();
        assertThat(e.maxTtl()).isNull();
        assertThat(e.targets()).isEmpty();
        assertThat(c.policy().maxTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(DnsNames.record("app.example.org", "example.org.")).isEqualTo("app.example.org.");
        assertThat(DnsNames.record("example.org", "example.org.")).isEqualTo("example.org.");
    }

    @Test
    void aPowerDnsEntryDefaultsItsNameServerToTheApiHost() {
        VaktConfig c = parse("traffic:\n  - type: powerdns\n    api-url: http://192.0.2.8:8081\n    api-key-env: PDNS_KEY\n"
                + "    zone: example.org.\n    record: www\n    ttl: 30s\n    max-ttl: 2m\n"
                + "    targets: {oslo-db: 192.0.2.10, bergen-db: 198.51.100.10}\n");
        PowerDnsEntry e = (PowerDnsEntry) c.traffic().get(0);
        assertThat(e.nameservers()).containsExactly("192.0.2.8:53");
        assertThat(e.verifyZoneNs()).isTrue();
        assertThat(e.serverId()).isEqualTo("localhost");
        assertThat(e.maxTtl()).isEqualTo(Duration.ofMinutes(2));
        assertThat(e.targets()).isEqualTo(Map.of("oslo-db", "192.0.2.10", "bergen-db", "198.51.100.10"));
    }

    @Test
    void verifyingTheZonesNameServersCanBeTurnedOff() {
        VaktConfig c = parse("traffic:\n  - type: rfc2136\n    zone: example.org\n    record: app\n"
                + "    server: 192.0.2.53\n    key-file: k\n    verify-zone-ns: false\n"
                + "  - type: powerdns\n    api-url: http://192.0.2.8:8081\n    api-key-env: PDNS_KEY\n"
                + "    zone: example.org.\n    record: www\n    verify-zone-ns: false\n");
        assertThat(((Rfc2136Entry) c.traffic().get(0)).verifyZoneNs()).isFalse();
        assertThat(((PowerDnsEntry) c.traffic().get(1)).verifyZoneNs()).isFalse();
    }

    @Test
    void anInlineKeyIsRefusedWithoutEchoingIt() {
        String p = problems("traffic:\n  - type: rfc2136\n    zone: example.org\n    record: app\n    server: 192.0.2.53\n"
                + "    key: c2VjcmV0LXZhbHVl\n");
        assertThat(p).contains("/etc/vakt/vakt.yml:").contains("traffic[0]")
                .contains("key: secrets are given by reference only: use key-file: PATH or key-env: VARIABLE")
                .doesNotContain("c2VjcmV0LXZhbHVl");
    }

    @Test
    void errorsNameTheLineAndTheField() {
        String text = DnsFixture.configText(DIR, "traffic:\n  - type: rfc2136\n    zone: example.org\n    record: app\n"
                + "    server: 192.0.2.53\n    key-file: k\n    targets: {oslo: 10.0.0.1}\n");
        int line = text.lines().toList().indexOf("    targets: {oslo: 10.0.0.1}") + 1;
        assertThat(problems("traffic:\n  - type: rfc2136\n    zone: example.org\n    record: app\n"
                + "    server: 192.0.2.53\n    key-file: k\n    targets: {oslo: 10.0.0.1}\n"))
                .contains("vakt.yml:" + line + ":")
                .contains("traffic[0].targets.oslo: 'oslo' is not a node; expected one of [bergen-db, oslo-db]");
        assertThat(problems("traffic:\n  - type: rfc2136\n    zone: example.org\n    record: app.other.org.\n"
                + "    server: 192.0.2.53\n    key-file: k\n"))
                .contains("traffic[0]: record: app.other.org. is not inside the zone example.org.");
        assertThat(problems("traffic:\n  - type: route66\n    zone: example.org\n")).contains("traffic[0]: unknown type 'route66'; expected one of: ").contains("rfc2136");
        assertThat(problems("traffic:\n  - zone: example.org\n")).contains("traffic[0]: expected a type: key, one of: ")
                .contains("powerdns");
        assertThat(problems("traffic:\n  - type: powerdns\n    api-url: http://h:8081\n    api-key-file: k\n"
                + "    zone: example.org\n    record: app\n    ttl: 60\n"))
                .contains("traffic[0].ttl: expected a duration like 500ms, 30s, 5m, 1h; got '60'");
        assertThat(problems("traffic:\n  - type: rfc2136\n    zone: example.org\n    record: app\n    server: 192.0.2.53\n"
                + "    key-file: k\n    targets: {oslo-db: db.example.org}\n"))
                .contains("targets.oslo-db: expected an IPv4 or IPv6 address; got 'db.example.org'");
        assertThat(problems("traffic:\n  - type: rfc2136\n    zone: example.org\n    record: app\n    key-file: k\n"))
                .contains("server: expected the zone's primary name server as host:port");
    }

    @Test
    void theRetryPolicyRetriesOnlyRetryableFailuresWithDoublingWaits() throws Exception {
        RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(250), Duration.ofMillis(600));
        assertThat(List.of(policy.backoff(1), policy.backoff(2), policy.backoff(3)))
                .containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(600));
        DnsFixture.Sleeps sleeps = new DnsFixture.Sleeps();
        int[] calls = {0};
        TrafficCalls.Attempted<String> ok = TrafficCalls.run(policy, () -> {
            if (++calls[0] < 3) throw new TrafficException("HTTP 503", true);
            return "done";
        }, sleeps);
        assertThat(ok).isEqualTo(new TrafficCalls.Attempted<>("done", 3));
        assertThat(sleeps.waits).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500));

        calls[0] = 0;
        assertThatThrownBy(() -> TrafficCalls.run(policy, () -> {
            calls[0]++;
            throw new TrafficException("HTTP 403", false);
        }, sleeps)).isInstanceOf(TrafficCalls.AttemptsExhausted.class).hasMessage("HTTP 403");
        assertThat(calls[0]).isEqualTo(1);
    }
}
