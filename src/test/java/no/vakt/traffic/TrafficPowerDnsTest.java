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
import no.vakt.alert.Severity;
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
            ConfiguredTrafficSwitch sw = new ConfiguredTrafficSwitch(config, journal, alerts, RetryPolicy.DEFAULT, sleeps,
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
            assertThat(traffic.get(1).summary()).contains("powerdns " + RECORD + " A").contains("changed, visible after");
            assertThat(traffic.get(3).details().get("outcome").asText()).isEqualTo("unchanged");
        }
        TrafficProvider p = config.traffic().get(0).open(config);
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
        ConfiguredTrafficSwitch sw = new ConfiguredTrafficSwitch(config, null, alerts, RetryPolicy.DEFAULT, sleeps,
                Clock.systemUTC());
        assertThatThrownBy(() -> sw.routeTo("dns", "bergen-db", 3))
                .hasMessageContaining("HTTP 401: the API key was rejected (check api-key-file / api-key-env)")
                .hasMessageNotContaining("not-the-key");
        assertThat(sleeps.waits).as("not retried").isEmpty();
        assertThat(alerts.sent).singleElement().satisfies(a -> assertThat(a.severity()).isEqualTo(Severity.CRITICAL));
        assertThat(dig(pdns.address, pdns.dnsPort, RECORD, "A")).containsExactly(OSLO);
        assertThat(serial(pdns.address, pdns.dnsPort, ZONE)).isEqualTo(before);
        assertThatThrownBy(() -> config.traffic().get(0).open(config).checkAccess()).hasMessageContaining("HTTP 401");
    }

    @Test
    void aMissingZoneOrRecordFailsAtOnce() throws Exception {
        VaktConfig noZone = DnsFixture.config(dir, entry(pdns.apiKeyFile).replace("zone: " + ZONE, "zone: nowhere.test.")
                .replace("record: app", "record: app.nowhere.test."));
        assertThatThrownBy(() -> noZone.traffic().get(0).open(noZone).apply("bergen-db", 1))
                .hasMessageContaining("zone nowhere.test. not found on server 'localhost'")
                .satisfies(e -> assertThat(((TrafficException) e).retryable()).isFalse());
        VaktConfig noRecord = DnsFixture.config(dir, entry(pdns.apiKeyFile).replace("record: app", "record: typo"));
        assertThatThrownBy(() -> noRecord.traffic().get(0).open(noRecord).apply("bergen-db", 1))
                .hasMessageContaining("typo." + ZONE + " has no A record in zone " + ZONE)
                .satisfies(e -> assertThat(((TrafficException) e).retryable()).isFalse());
        assertThat(dig(pdns.address, pdns.dnsPort, "typo." + ZONE, "A")).isEmpty();
    }
}
