package no.vakt.traffic;

import static no.vakt.traffic.DnsFixture.BERGEN;
import static no.vakt.traffic.DnsFixture.OSLO;
import static no.vakt.traffic.DnsFixture.dig;
import static no.vakt.traffic.DnsFixture.serial;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import no.vakt.cluster.RetryPolicy;
import no.vakt.cluster.Severity;
import no.vakt.cluster.Sleeper;
import no.vakt.config.VaktConfig;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.lab.MariaDbServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The powerdns provider against a real pdns_server (sqlite3 backend, API on) started per test. */
class TrafficPowerDnsTest {
    static final String ZONE = "pdns.vakt.test.";
    static final String RECORD = "app." + ZONE;

    Path dir;
    PowerDnsServer pdns;

    @BeforeEach
    void start() throws Exception {
        dir = DnsFixture.tempDir("pdns-");
        pdns = new PowerDnsServer(dir.resolve("pdns"), "127.0.41.20", ZONE).start(List.of("app A 5 " + OSLO));
    }

    @AfterEach
    void stop() throws Exception {
        pdns.close();
        MariaDbServer.deleteTree(dir);
    }

    String entry(Path keyFile) {
        return "traffic:\n"
                + "  - type: powerdns\n"
                + "    api-url: " + pdns.apiUrl() + "\n"
                + "    api-key-file: " + keyFile + "\n"
                + "    zone: " + ZONE + "\n"
                + "    record: app\n"
                + "    ttl: 5s\n"
                + "    nameservers: [" + pdns.address + ":" + pdns.dnsPort + "]\n"
                + "    verify-timeout: 5s\n";
    }

    @Test
    void aFailoverMovesTheRecordDigSeesItAndReapplyingSendsNoPatch() throws Exception {
        VaktConfig config = DnsFixture.config(dir, entry(pdns.apiKeyFile));
        DnsFixture.Alerts alerts = new DnsFixture.Alerts();
        DnsFixture.Sleeps sleeps = new DnsFixture.Sleeps();
        try (Journal journal = new Journal(dir.resolve("journal.db"), Clock.systemUTC())) {
            ConfiguredTrafficSwitch sw = new ConfiguredTrafficSwitch(config, journal, alerts, TrafficCalls.DEFAULT, sleeps,
                    Clock.systemUTC());
            assertThat(dig(pdns.address, pdns.dnsPort, RECORD, "A")).containsExactly(OSLO);
            long before = serial(pdns.address, pdns.dnsPort, ZONE);

            sw.routeTo("dns", "bergen-db", 3);

            assertThat(dig(pdns.address, pdns.dnsPort, RECORD, "A")).containsExactly(BERGEN);
            long afterMove = serial(pdns.address, pdns.dnsPort, ZONE);
            assertThat(afterMove).as("SOA-EDIT-API INCREASE bumps the serial on every PATCH").isGreaterThan(before);

            assertThat(sw.apply("dns", "bergen-db", 3)).singleElement()
                    .satisfies(r -> assertThat(r.outcome()).isEqualTo(TrafficProvider.ApplyOutcome.UNCHANGED));
            assertThat(serial(pdns.address, pdns.dnsPort, ZONE)).as("no PATCH was sent").isEqualTo(afterMove);
            assertThat(alerts.sent).isEmpty();

            List<JournalEvent> traffic = journal.history(50).stream().filter(e -> e.kind() == EventKind.TRAFFIC).toList();
            List<JournalEvent> outcomes = traffic.stream().filter(e -> e.details().has("outcome")).toList();
            assertThat(outcomes.get(0).summary()).contains("powerdns " + RECORD + " A").contains("changed, visible after");
            assertThat(outcomes.get(1).details().get("outcome").asText()).isEqualTo("unchanged");
            assertThat(traffic).filteredOn(e -> e.details().has("switch")).extracting(e -> e.details().get("switch").asText())
                    .containsExactly("switched", "switched");
            // The test zone's NS (pdnsutil's ns.<zone>) has no address: verification says what it could not check.
            assertThat(outcomes.get(0).details().get("note").asText()).isEqualTo("name server ns." + ZONE + " of the zone"
                    + " did not resolve through " + pdns.address + ":" + pdns.dnsPort + " (no A or AAAA record): not verified there");
        }
        TrafficProvider p = TrafficEntry.of(config.traffic().get(0)).open(config);
        p.checkAccess();
        assertThat(p.show()).isEqualTo(new TrafficProvider.PointsAt(List.of(BERGEN), "bergen-db", 5L));
    }

    @Test
    void aWrongApiKeyFailsAtOnceWithAClearMessageAndIsNotRetried() throws Exception {
        Path wrong = dir.resolve("wrong.key");
        Files.writeString(wrong, "not-the-key\n");
        VaktConfig config = DnsFixture.config(dir, entry(wrong));
        DnsFixture.Alerts alerts = new DnsFixture.Alerts();
        DnsFixture.Sleeps sleeps = new DnsFixture.Sleeps();
        long before = serial(pdns.address, pdns.dnsPort, ZONE);
        ConfiguredTrafficSwitch sw = new ConfiguredTrafficSwitch(config, null, alerts, TrafficCalls.DEFAULT, sleeps,
                Clock.systemUTC());
        assertThatThrownBy(() -> sw.routeTo("dns", "bergen-db", 3))
                .hasMessageContaining("HTTP 401: the API key was rejected (check api-key-file / api-key-env)")
                .hasMessageNotContaining("not-the-key");
        assertThat(sleeps.waits).as("not retried").isEmpty();
        assertThat(alerts.sent).singleElement().satisfies(a -> assertThat(a.severity()).isEqualTo(Severity.CRITICAL));
        assertThat(dig(pdns.address, pdns.dnsPort, RECORD, "A")).containsExactly(OSLO);
        assertThat(serial(pdns.address, pdns.dnsPort, ZONE)).isEqualTo(before);
        assertThatThrownBy(() -> TrafficEntry.of(config.traffic().get(0)).open(config).checkAccess()).hasMessageContaining("HTTP 401");
    }

    @Test
    void aMissingZoneOrRecordFailsAtOnce() throws Exception {
        VaktConfig noZone = DnsFixture.config(dir, entry(pdns.apiKeyFile).replace("zone: " + ZONE, "zone: nowhere.test.")
                .replace("record: app", "record: app.nowhere.test."));
        assertThatThrownBy(() -> TrafficEntry.of(noZone.traffic().get(0)).open(noZone).apply("bergen-db", 1))
                .hasMessageContaining("zone nowhere.test. not found on server 'localhost'")
                .satisfies(e -> assertThat(((TrafficException) e).retryable()).isFalse());
        VaktConfig noRecord = DnsFixture.config(dir, entry(pdns.apiKeyFile).replace("record: app", "record: typo"));
        assertThatThrownBy(() -> TrafficEntry.of(noRecord.traffic().get(0)).open(noRecord).apply("bergen-db", 1))
                .hasMessageContaining("typo." + ZONE + " has no A record in zone " + ZONE)
                .satisfies(e -> assertThat(((TrafficException) e).retryable()).isFalse());
        assertThat(dig(pdns.address, pdns.dnsPort, "typo." + ZONE, "A")).isEmpty();
    }

    @Test
    void everyNameServerOfTheZoneIsVerifiedByDefaultAndAStaleOneFailsUntilItHasTheNewAddress() throws Exception {
        // A second authority named by the zone's NS, with an address record in the zone: a real PowerDNS on its own
        // loopback address, still answering the old address (as a secondary before its transfer).
        try (PowerDnsServer second = new PowerDnsServer(dir.resolve("pdns2"), "127.0.41.24", ZONE)
                .start(List.of("app A 5 " + OSLO))) {
            pdns.addRecord("@", "NS", "ns2." + ZONE);
            pdns.addRecord("ns2", "A", second.address);
            VaktConfig config = DnsFixture.config(dir, entry(pdns.apiKeyFile));
            PowerDnsProvider p = PowerDnsProvider.open((PowerDnsEntry) config.traffic().get(0), config, Clock.systemUTC(),
                    Sleeper.REAL, second.dnsPort);
            assertThat(p.apply("bergen-db", 3)).isEqualTo(TrafficProvider.ApplyOutcome.CHANGED);
            assertThatThrownBy(() -> p.verify("bergen-db", java.time.Duration.ofMillis(1500)))
                    .hasMessageContaining("not visible on every authoritative server")
                    .hasMessageContaining("127.0.41.24:" + second.dnsPort + " answers [" + OSLO + "]");
            second.replaceA("app", BERGEN);
            assertThat(p.verify("bergen-db", java.time.Duration.ofSeconds(5))).isLessThan(java.time.Duration.ofSeconds(5));
            assertThat(p.verifyNotes()).singleElement().asString().contains("ns." + ZONE);

            VaktConfig optOut = DnsFixture.config(dir, entry(pdns.apiKeyFile) + "    verify-zone-ns: false\n");
            second.replaceA("app", OSLO);
            PowerDnsProvider only = PowerDnsProvider.open((PowerDnsEntry) optOut.traffic().get(0), optOut, Clock.systemUTC(),
                    Sleeper.REAL, second.dnsPort);
            assertThat(only.verify("bergen-db", java.time.Duration.ofSeconds(5))).isLessThan(java.time.Duration.ofSeconds(5));
            assertThat(only.verifyNotes()).isEmpty();
        }
    }
}
