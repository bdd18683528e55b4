package no.vakt.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import no.vakt.alert.AlertKind;
import no.vakt.cluster.RetryPolicy;
import no.vakt.config.VaktConfig;
import no.vakt.journal.Journal;
import no.vakt.lab.MariaDbServer;
import no.vakt.testing.Loopback;
import no.vakt.testing.StallingHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fault matrix's DNS API rows for the powerdns provider, fast: an API that answers 500 or 429 is
 * retried with backoff and then left pending, 403 fails at once, and one that sends headers and then
 * stalls is cut off at the entry's timeout (body included) and retried like any other timeout. The
 * failing answers come from local servers (a real PowerDNS cannot be made to answer them on demand);
 * the happy path is {@link TrafficPowerDnsTest} against a real pdns_server.
 */
class PowerDnsFaultsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    Path dir;
    Journal journal;
    final DnsFixture.Alerts alerts = new DnsFixture.Alerts();
    final DnsFixture.Sleeps sleeps = new DnsFixture.Sleeps();

    @BeforeEach
    void setUp() throws Exception {
        dir = DnsFixture.tempDir("pdns-faults-");
        java.nio.file.Files.writeString(dir.resolve("api.key"), "the-key\n");
        journal = new Journal(dir.resolve("journal.db"), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        journal.close();
        MariaDbServer.deleteTree(dir);
    }

    VaktConfig config(String apiAuthority) throws Exception {
        return DnsFixture.config(dir, "traffic:\n"
                + "  - type: powerdns\n"
                + "    api-url: http://" + apiAuthority + "\n"
                + "    api-key-file: " + dir.resolve("api.key") + "\n"
                + "    zone: pdns.vakt.test.\n"
                + "    record: app\n"
                + "    ttl: 5s\n"
                + "    timeout: " + TIMEOUT.toMillis() + "ms\n"
                + "    nameservers: [127.0.0.1:53]\n");
    }

    ConfiguredTrafficSwitch trafficSwitch(VaktConfig config) {
        return new ConfiguredTrafficSwitch(config, journal, alerts, TrafficCalls.DEFAULT, sleeps, Clock.systemUTC());
    }

    /** A local API that answers every request with {@code status} and counts the requests. */
    static HttpServer answering(int status, AtomicInteger count) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getByName(Loopback.nextAddress()), 0), 8);
        s.createContext("/", ex -> {
            count.incrementAndGet();
            byte[] body = ("{\"error\": \"answer " + status + "\"}").getBytes();
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        s.start();
        return s;
    }

    static String authority(HttpServer s) {
        return s.getAddress().getAddress().getHostAddress() + ":" + s.getAddress().getPort();
    }

    void assertPending(String error) {
        assertThat(TrafficState.pending(journal, "dns")).hasValueSatisfying(p -> {
            assertThat(p.node()).isEqualTo("bergen-db");
            assertThat(p.error()).contains(error);
        });
        assertThat(alerts.sent).singleElement().satisfies(a -> assertThat(a.kind()).isEqualTo(AlertKind.TRAFFIC_SWITCH_FAILED));
    }

    @Test
    void anApiThatSendsHeadersAndThenStallsIsCutOffAtTheTimeoutRetriedAndLeftPending() throws Exception {
        try (StallingHttpServer api = new StallingHttpServer(Loopback.nextAddress())) {
            ConfiguredTrafficSwitch sw = trafficSwitch(config(api.hostPort()));
            long start = System.nanoTime();
            // Without a deadline on the body this never returns: fail instead of hanging the build.
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> sw.routeTo("dns", "bergen-db", 3))
                    .hasMessageContaining("no complete answer within 1000 ms"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(api.requests()).as("every attempt reached the API").isEqualTo(TrafficCalls.DEFAULT.maxAttempts());
            assertThat(sleeps.waits).hasSize(TrafficCalls.DEFAULT.maxAttempts() - 1);
            // 5 attempts of 1 s each; the generous bound only covers a loaded machine.
            assertThat(took).isLessThan(Duration.ofSeconds(30));
            assertPending("no complete answer within 1000 ms");
        }
    }

    @Test
    void http500IsRetriedWithBackoffAndThenPending() throws Exception {
        AtomicInteger count = new AtomicInteger();
        HttpServer api = answering(500, count);
        try {
            assertThatThrownBy(() -> trafficSwitch(config(authority(api))).routeTo("dns", "bergen-db", 3))
                    .hasMessageContaining("HTTP 500: answer 500").hasMessageContaining("after 5 attempts");
            assertThat(count.get()).isEqualTo(5);
            assertThat(sleeps.waits).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
                    Duration.ofSeconds(2));
            assertPending("HTTP 500");
        } finally {
            api.stop(0);
        }
    }

    @Test
    void http429IsRetriedWithBackoffAndThenPending() throws Exception {
        AtomicInteger count = new AtomicInteger();
        HttpServer api = answering(429, count);
        try {
            assertThatThrownBy(() -> trafficSwitch(config(authority(api))).routeTo("dns", "bergen-db", 3))
                    .hasMessageContaining("HTTP 429").hasMessageContaining("after 5 attempts");
            assertThat(count.get()).isEqualTo(5);
            assertThat(sleeps.waits).hasSize(4);
            assertPending("HTTP 429");
        } finally {
            api.stop(0);
        }
    }

    @Test
    void http403FailsAtOnceWithoutRetries() throws Exception {
        AtomicInteger count = new AtomicInteger();
        HttpServer api = answering(403, count);
        try {
            assertThatThrownBy(() -> trafficSwitch(config(authority(api))).routeTo("dns", "bergen-db", 3))
                    .hasMessageContaining("HTTP 403: the API key was rejected");
            assertThat(count.get()).isEqualTo(1);
            assertThat(sleeps.waits).isEmpty();
            assertPending("HTTP 403");
        } finally {
            api.stop(0);
        }
    }
}
