package no.vakt.traffic;

import static no.vakt.traffic.DnsFixture.BERGEN;
import static no.vakt.traffic.DnsFixture.OSLO;
import static no.vakt.traffic.DnsFixture.dig;
import static no.vakt.traffic.DnsFixture.serial;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.vakt.alert.AlertKind;
import no.vakt.cluster.RetryPolicy;
import no.vakt.cluster.Severity;
import no.vakt.cluster.Sleeper;
import no.vakt.config.VaktConfig;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.lab.BindServer;
import no.vakt.lab.MariaDbServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rfc2136 provider and the switch against a real BIND started per test with its own TSIG key. */
class TrafficRfc2136Test {
    static final String ZONE = "dns.vakt.test.";
    static final String RECORD = "app." + ZONE;

    Path dir;
    BindServer bind;

    @BeforeEach
    void startBind() throws Exception {
        dir = DnsFixture.tempDir("rfc2136-");
        // named listens only on interface addresses: 127.0.0.1, on a port of its own.
        bind = new BindServer(dir.resolve("bind"), "127.0.0.1", DnsFixture.freeDnsPort("127.0.0.1"), ZONE, "vakt-test");
        bind.start(Map.of("app", OSLO), 5);
    }

    @AfterEach
    void stopBind() throws Exception {
        bind.destroy();
        MariaDbServer.deleteTree(dir);
    }

    String entry(Path keyFile, String server) {
        return "traffic:\n"
                + "  - type: rfc2136\n"
                + "    zone: " + ZONE + "\n"
                + "    record: app\n"
                + "    ttl: 5s\n"
                + "    server: " + server + "\n"
                + "    key-file: " + keyFile + "\n"
                + "    timeout: 300ms\n"
                + "    verify-timeout: 5s\n";
    }

    VaktConfig config() throws Exception {
        return DnsFixture.config(dir, entry(bind.keyFile(), "127.0.0.1:" + bind.port()));
    }

    @Test
    void aFailoverMovesTheRecordDigSeesItAndReapplyingSendsNoUpdate() throws Exception {
        VaktConfig config = config();
        DnsFixture.Alerts alerts = new DnsFixture.Alerts();
        DnsFixture.Sleeps sleeps = new DnsFixture.Sleeps();
        try (Journal journal = new Journal(dir.resolve("journal.db"), Clock.systemUTC())) {
            ConfiguredTrafficSwitch sw = new ConfiguredTrafficSwitch(config, journal, alerts, TrafficCalls.DEFAULT, sleeps,
                    Clock.systemUTC());
            assertThat(dig("127.0.0.1", bind.port(), RECORD, "A")).containsExactly(OSLO);
            long before = serial("127.0.0.1", bind.port(), ZONE);

            sw.routeTo("dns", "bergen-db", 2);

            assertThat(dig("127.0.0.1", bind.port(), RECORD, "A")).containsExactly(BERGEN);
            long afterMove = serial("127.0.0.1", bind.port(), ZONE);
            assertThat(afterMove).as("BIND bumps the serial on an update").isGreaterThan(before);

            List<TrafficResult> again = sw.apply("dns", "bergen-db", 2);
            assertThat(again).singleElement().satisfies(r -> {
                assertThat(r.outcome()).isEqualTo(TrafficProvider.ApplyOutcome.UNCHANGED);
                assertThat(r.ok()).isTrue();
                assertThat(r.timeToVisible()).isNotNull();
            });
            assertThat(serial("127.0.0.1", bind.port(), ZONE)).as("no update was sent").isEqualTo(afterMove);
            assertThat(alerts.sent).isEmpty();
            assertThat(sleeps.waits).isEmpty();

            List<JournalEvent> traffic = journal.history(50).stream().filter(e -> e.kind() == EventKind.TRAFFIC).toList();
            assertThat(traffic).as("per switch: the entry's start and outcome, then the whole switch's state").hasSize(6);
            assertThat(traffic.get(0).summary()).contains("started").contains("rfc2136 " + RECORD + " A");
            assertThat(traffic.get(1).details().get("outcome").asText()).isEqualTo("changed");
            assertThat(traffic.get(1).details().get("attempts").asInt()).isEqualTo(1);
            assertThat(traffic.get(1).details().get("time_to_visible_ms").isNumber()).isTrue();
            assertThat(traffic.get(1).details().has("note")).as("the zone's only NS is the update server").isFalse();
            assertThat(traffic.get(1).node()).isEqualTo("bergen-db");
            assertThat(traffic.get(2).details().get("switch").asText()).isEqualTo("switched");
            assertThat(traffic.get(2).summary()).isEqualTo("traffic switched to bergen-db: every entry (1) points there");
            assertThat(traffic.get(4).details().get("outcome").asText()).isEqualTo("unchanged");
            assertThat(TrafficState.pending(journal, "dns")).isEmpty();
        }
    }

    @Test
    void showReadsTheRecordAndItsLiveTtlFromTheAuthorityAndCheckAccessPasses() throws Exception {
        TrafficProvider p = TrafficEntry.of(config().traffic().get(0)).open(config());
        assertThat(p.describe()).isEqualTo("rfc2136 " + RECORD + " A @127.0.0.1:" + bind.port());
        p.checkAccess();
        assertThat(p.show()).isEqualTo(new TrafficProvider.PointsAt(List.of(OSLO), "oslo-db", 5L));
        assertThat(p.apply("oslo-db", 1)).isEqualTo(TrafficProvider.ApplyOutcome.UNCHANGED);
        assertThat(p.apply("bergen-db", 1)).isEqualTo(TrafficProvider.ApplyOutcome.CHANGED);
        assertThat(p.verify("bergen-db", Duration.ofSeconds(5))).isLessThan(Duration.ofSeconds(5));
        assertThat(p.show().node()).isEqualTo("bergen-db");
    }

    @Test
    void aWrongTsigKeyFailsAtOnceWithAClearMessageAndIsNotRetried() throws Exception {
        Path wrongKey = dir.resolve("wrong.key");
        BindServer.generateKey(wrongKey, "vakt-test"); // same name, another secret
        VaktConfig config = DnsFixture.config(dir, entry(wrongKey, "127.0.0.1:" + bind.port()));
        DnsFixture.Alerts alerts = new DnsFixture.Alerts();
        DnsFixture.Sleeps sleeps = new DnsFixture.Sleeps();
        long before = serial("127.0.0.1", bind.port(), ZONE);
        try (Journal journal = new Journal(dir.resolve("journal.db"), Clock.systemUTC())) {
            ConfiguredTrafficSwitch sw = new ConfiguredTrafficSwitch(config, journal, alerts, TrafficCalls.DEFAULT, sleeps,
                    Clock.systemUTC());
            assertThatThrownBy(() -> sw.routeTo("dns", "bergen-db", 2))
                    .isInstanceOf(TrafficException.class)
                    .hasMessageContaining("rejected the TSIG key 'vakt-test' (hmac-sha256): BADSIG (wrong secret for this key name)");
            assertThat(sleeps.waits).as("not retried").isEmpty();
            assertThat(alerts.sent).singleElement().satisfies(a -> {
                assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
                assertThat(a.kind()).isEqualTo(AlertKind.TRAFFIC_SWITCH_FAILED);
                assertThat(a.node()).isEqualTo("bergen-db");
                assertThat(a.event()).contains("traffic switch to bergen-db failed for 1 of 1 entries");
                assertThat(a.action()).contains("never undoes a promotion").contains("retries the switch")
                        .endsWith("by hand: vakt traffic apply");
            });
            List<JournalEvent> traffic = journal.history(50).stream().filter(e -> e.kind() == EventKind.TRAFFIC).toList();
            JournalEvent outcome = traffic.get(1);
            assertThat(outcome.details().get("outcome").asText()).isEqualTo("failed");
            assertThat(outcome.details().get("attempts").asInt()).isEqualTo(1);
            assertThat(outcome.toString()).doesNotContain(java.nio.file.Files.readString(wrongKey).split("\"")[3]);
            assertThat(journal.history(50)).as("the dispatcher journals alerts, the switch does not")
                    .noneMatch(e -> e.kind() == EventKind.ALERT);
            TrafficState.Pending pending = TrafficState.pending(journal, "dns").orElseThrow();
            assertThat(pending.node()).isEqualTo("bergen-db");
            assertThat(pending.epoch()).isEqualTo(2);
            assertThat(pending.attempts()).isEqualTo(1);
            assertThat(pending.error()).contains("BADSIG");
            assertThat(traffic.get(2).summary()).startsWith("traffic switch to bergen-db PENDING: 1 of 1 entries failed: [0] ");
        }
        assertThat(dig("127.0.0.1", bind.port(), RECORD, "A")).containsExactly(OSLO);
        assertThat(serial("127.0.0.1", bind.port(), ZONE)).isEqualTo(before);

        TrafficProvider p = TrafficEntry.of(config.traffic().get(0)).open(config);
        assertThatThrownBy(p::checkAccess).hasMessageContaining("BADSIG")
                .satisfies(e -> assertThat(((TrafficException) e).retryable()).isFalse());
    }

    @Test
    void aServerThatDoesNotAnswerIsRetriedWithBackoffThenAlerted() throws Exception {
        // A real socket that swallows every query: the timeout a dead name server causes.
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.41.9"), 0))) {
            VaktConfig config = DnsFixture.config(dir, entry(bind.keyFile(), "127.0.41.9:" + silent.getLocalPort()));
            DnsFixture.Alerts alerts = new DnsFixture.Alerts();
            DnsFixture.Sleeps sleeps = new DnsFixture.Sleeps();
            ConfiguredTrafficSwitch sw = new ConfiguredTrafficSwitch(config, null, alerts,
                    new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1)), sleeps, Clock.systemUTC());
            List<TrafficResult> results = sw.apply("dns", "bergen-db", 2);
            assertThat(results).singleElement().satisfies(r -> {
                assertThat(r.ok()).isFalse();
                assertThat(r.attempts()).isEqualTo(3);
                assertThat(r.error()).contains("no answer from 127.0.41.9:" + silent.getLocalPort() + " within 300 ms")
                        .contains("after 3 attempts");
            });
            assertThat(sleeps.waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
        }
    }

    @Test
    void aBareBase64SecretWorksWithKeyName() throws Exception {
        String secret = java.nio.file.Files.readString(bind.keyFile()).split("\"")[3];
        Path bare = dir.resolve("bare.secret");
        java.nio.file.Files.writeString(bare, secret + "\n");
        VaktConfig withName = DnsFixture.config(dir, entry(bare, "127.0.0.1:" + bind.port()) + "    key-name: vakt-test\n");
        TrafficEntry.of(withName.traffic().get(0)).open(withName).checkAccess();
        VaktConfig withoutName = DnsFixture.config(dir, entry(bare, "127.0.0.1:" + bind.port()));
        assertThatThrownBy(() -> TrafficEntry.of(withoutName.traffic().get(0)).open(withoutName))
                .hasMessageContaining("is bare; give key-name:").hasMessageNotContaining(secret);
    }

    @Test
    void aMissingRecordIsAConfigurationErrorNotARetry() throws Exception {
        VaktConfig config = DnsFixture.config(dir, entry(bind.keyFile(), "127.0.0.1:" + bind.port()).replace("record: app", "record: typo"));
        TrafficProvider p = TrafficEntry.of(config.traffic().get(0)).open(config);
        assertThatThrownBy(() -> p.apply("bergen-db", 1))
                .hasMessageContaining("typo." + ZONE + " does not exist in zone " + ZONE)
                .satisfies(e -> assertThat(((TrafficException) e).retryable()).isFalse());
        assertThat(dig("127.0.0.1", bind.port(), "typo." + ZONE, "A")).isEmpty();
    }

    /** Adds records to the running BIND's zone with a signed dynamic update, as an operator's nsupdate would. */
    void addToZone(String... records) throws Exception {
        TsigKey.Loaded key = TsigKey.load(no.vakt.config.SecretRef.ofFile(bind.keyFile()), null, null, "test");
        org.xbill.DNS.Name zone = org.xbill.DNS.Name.fromString(ZONE);
        org.xbill.DNS.Update update = new org.xbill.DNS.Update(zone);
        for (String r : records) {
            String[] f = r.split(" ", 3); // owner type rdata
            update.add(org.xbill.DNS.Record.fromString(org.xbill.DNS.Name.fromString(f[0], zone),
                    org.xbill.DNS.Type.value(f[1]), org.xbill.DNS.DClass.IN, 5, f[2], zone));
        }
        org.xbill.DNS.SimpleResolver resolver = new org.xbill.DNS.SimpleResolver(new InetSocketAddress("127.0.0.1", bind.port()));
        resolver.setTSIGKey(key.signer());
        assertThat(org.xbill.DNS.Rcode.string(resolver.send(update).getRcode())).isEqualTo("NOERROR");
    }

    @Test
    void everyNameServerOfTheZoneIsVerifiedByDefaultAStaleOneFailsTheSwitchUntilItHasTheNewAddress() throws Exception {
        // A second authority for the zone, as a secondary would be: a real PowerDNS on its own loopback address that
        // still answers the old address. The zone's NS names it; its address comes from the update server itself.
        try (PowerDnsServer second = new PowerDnsServer(dir.resolve("ns2"), "127.0.41.23", ZONE)
                .start(List.of("app A 5 " + OSLO))) {
            addToZone("@ NS ns2." + ZONE, "ns2 A " + second.address);
            VaktConfig config = DnsFixture.config(dir, entry(bind.keyFile(), "127.0.0.1:" + bind.port())
                    .replace("verify-timeout: 5s", "verify-timeout: 1500ms"));
            Rfc2136Provider p = Rfc2136Provider.open((Rfc2136Entry) config.traffic().get(0), config, Clock.systemUTC(),
                    Sleeper.REAL, second.dnsPort);
            assertThat(p.apply("bergen-db", 2)).isEqualTo(TrafficProvider.ApplyOutcome.CHANGED);
            assertThatThrownBy(() -> p.verify("bergen-db", Duration.ofMillis(1500)))
                    .hasMessageContaining("not visible on every authoritative server")
                    .hasMessageContaining("127.0.41.23:" + second.dnsPort + " answers [" + OSLO + "]")
                    .hasMessageNotContaining("127.0.0.1:" + bind.port() + " answers");

            second.replaceA("app", BERGEN);
            assertThat(p.verify("bergen-db", Duration.ofSeconds(5))).isLessThan(Duration.ofSeconds(5));
            assertThat(p.verifyNotes()).isEmpty();

            // The explicit opt-out asks only the update server (and nameservers:).
            second.replaceA("app", OSLO);
            VaktConfig optOut = DnsFixture.config(dir, entry(bind.keyFile(), "127.0.0.1:" + bind.port())
                    + "    verify-zone-ns: false\n");
            Rfc2136Provider only = Rfc2136Provider.open((Rfc2136Entry) optOut.traffic().get(0), optOut, Clock.systemUTC(),
                    Sleeper.REAL, second.dnsPort);
            assertThat(only.verify("bergen-db", Duration.ofSeconds(5))).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aNameServerThatDoesNotResolveThroughTheServerIsNotedNotLookedUpElsewhere() throws Exception {
        // Outside every zone this BIND serves: it refuses the lookup, and Vakt asks no other resolver.
        addToZone("@ NS ns.elsewhere.invalid.");
        VaktConfig config = config();
        DnsFixture.Alerts alerts = new DnsFixture.Alerts();
        try (Journal journal = new Journal(dir.resolve("journal.db"), Clock.systemUTC())) {
            ConfiguredTrafficSwitch sw = new ConfiguredTrafficSwitch(config, journal, alerts, TrafficCalls.DEFAULT,
                    new DnsFixture.Sleeps(), Clock.systemUTC());
            List<TrafficResult> results = sw.apply("dns", "bergen-db", 2);
            assertThat(results).singleElement().satisfies(r -> {
                assertThat(r.ok()).isTrue();
                assertThat(r.note()).startsWith("name server ns.elsewhere.invalid. of the zone did not resolve through 127.0.0.1:"
                        + bind.port() + " (").contains("REFUSED").endsWith("): not verified there");
            });
            JournalEvent outcome = journal.history(50).stream().filter(e -> e.kind() == EventKind.TRAFFIC)
                    .filter(e -> e.details().has("outcome")).findFirst().orElseThrow();
            assertThat(outcome.details().get("note").asText()).contains("ns.elsewhere.invalid.");
            assertThat(outcome.summary()).contains("(note: name server ns.elsewhere.invalid.");
        }
        assertThat(dig("127.0.0.1", bind.port(), RECORD, "A")).containsExactly(BERGEN);
    }
}
