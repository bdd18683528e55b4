package no.vakt.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import no.vakt.cluster.RetryPolicy;
import no.vakt.cluster.Severity;
import no.vakt.config.AlertsConfig;
import no.vakt.config.ChannelConfig;
import no.vakt.config.EmailChannelConfig;
import no.vakt.config.SlackChannelConfig;
import no.vakt.config.WebhookChannelConfig;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher against real HTTP servers on 127.0.44.1: signed webhooks, retries, a receiver that
 * hangs, grouping, and what the journal holds (and never holds).
 */
class AlertDeliveryTest {
    private static final String ADDRESS = "127.0.44.1";
    private static final String KEY = "hook-key-7f3a9c1e0b";
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    @TempDir
    Path tmp;

    private final List<AutoCloseable> closeLast = new ArrayList<>();
    private final ManualClock clock = new ManualClock(T0);
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private Journal journal;
    private Path keyFile;

    @BeforeEach
    void setUp() throws Exception {
        journal = new Journal(tmp.resolve("journal.db"), clock);
        keyFile = tmp.resolve("hook.key");
        Files.writeString(keyFile, KEY + "\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeLast.size() - 1; i >= 0; i--) closeLast.get(i).close();
        journal.close();
    }

    private HookServer server() throws Exception {
        HookServer s = HookServer.start(ADDRESS);
        closeLast.add(s);
        return s;
    }

    private WebhookChannelConfig webhook(String name, HookServer s) {
        return new WebhookChannelConfig(name, null, s.uri("/vakt/" + name), keyFile, null, null, Duration.ofSeconds(5));
    }

    private AlertDispatcher dispatcher(Duration window, ChannelConfig... channels) {
        AlertsConfig settings = new AlertsConfig(List.of(channels), null, window, 5, 50);
        AlertDispatcher d = new AlertDispatcher(AlertSinks.channels(settings, clock), settings, journal, clock, sleeper,
                new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofMinutes(1), () -> 0.5), new NoOpAlertSink(),
                Duration.ofSeconds(5));
        closeLast.add(d);
        return d;
    }

    private static Alert down(String node) {
        return new Alert(Severity.CRITICAL, "shop", "primary " + node + " down", "3 probes failed; standby IO thread Connecting",
                "automatic: promoting bergen-db", AlertKind.PRIMARY_DOWN, node);
    }

    private List<JournalEvent> deliveries() {
        return journal.history(500).stream().filter(e -> e.kind() == EventKind.ALERT_DELIVERY).toList();
    }

    private List<JournalEvent> alerts() {
        return journal.history(500).stream().filter(e -> e.kind() == EventKind.ALERT).toList();
    }

    @Test
    void aSignedWebhookCarriesTheAlertAndASignatureTheReceiverCanVerify() throws Exception {
        HookServer hook = server();
        AlertDispatcher d = dispatcher(Duration.ofMinutes(5), webhook("pager", hook));

        d.send(down("oslo-db"));

        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries().size() == 1);
        HookServer.Request r = hook.requests().get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.header("Content-Type")).startsWith("application/json");
        // The receiver's side, written from the documentation only: HMAC-SHA256 of "timestamp.body".
        String ts = r.header("X-Vakt-Timestamp");
        assertThat(Long.parseLong(ts)).isEqualTo(T0.getEpochSecond());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((ts + ".").getBytes(StandardCharsets.US_ASCII));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(r.body()));
        assertThat(r.header("X-Vakt-Signature")).isEqualTo(expected);
        assertThat(WebhookSignature.verify(KEY.getBytes(StandardCharsets.UTF_8), Long.parseLong(ts), r.body(), expected)).isTrue();
        byte[] tampered = r.text().replace("oslo-db", "bergen-db").getBytes(StandardCharsets.UTF_8);
        assertThat(WebhookSignature.verify(KEY.getBytes(StandardCharsets.UTF_8), Long.parseLong(ts), tampered, expected)).isFalse();

        JsonNode body = new ObjectMapper().readTree(r.body());
        assertThat(body.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(body.get("cluster").asText()).isEqualTo("shop");
        assertThat(body.get("kind").asText()).isEqualTo("primary-down");
        assertThat(body.get("node").asText()).isEqualTo("oslo-db");
        assertThat(body.get("event").asText()).isEqualTo("primary oslo-db down");
        assertThat(body.get("evidence").asText()).contains("3 probes failed");
        assertThat(body.get("action").asText()).contains("promoting bergen-db");
        assertThat(body.get("id").asText()).isEqualTo(r.header("X-Vakt-Delivery"));

        JournalEvent alert = alerts().get(0);
        JournalEvent delivery = deliveries().get(0);
        assertThat(alert.summary()).isEqualTo("primary oslo-db down");
        assertThat(alert.node()).isEqualTo("oslo-db");
        assertThat(delivery.details().get("channel").asText()).isEqualTo("pager");
        assertThat(delivery.details().get("outcome").asText()).isEqualTo("delivered");
        assertThat(delivery.details().get("attempts").asInt()).isEqualTo(1);
        assertThat(delivery.details().get("alert-id").asLong()).isEqualTo(alert.id());
        assertThat(d.outcomeCounts()).containsEntry("delivered", 1L);
    }

    @Test
    void a503TwiceThenOkIsRetriedWithGrowingBackoffAndDelivered() throws Exception {
        HookServer hook = server().answer(HookServer.Answer.of(503, "maintenance"), HookServer.Answer.of(503, "maintenance"));
        AlertDispatcher d = dispatcher(Duration.ofMinutes(5), webhook("pager", hook));

        d.send(down("oslo-db"));

        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries().size() == 1);
        assertThat(hook.requests()).hasSize(3);
        assertThat(hook.requests()).extracting(r -> r.header("X-Vakt-Delivery")).as("one id for every attempt").containsOnly(
                hook.requests().get(0).header("X-Vakt-Delivery"));
        // base 1 s doubling, jitter at 0.5: between half and all of 1 s, then of 2 s.
        assertThat(sleeper.sleeps).containsExactly(Duration.ofMillis(750), Duration.ofMillis(1500));
        JournalEvent e = deliveries().get(0);
        assertThat(e.details().get("outcome").asText()).isEqualTo("delivered");
        assertThat(e.details().get("attempts").asInt()).isEqualTo(3);
    }

    @Test
    void a400IsNotRetriedAndJournaledAsFailedWithTheReason() throws Exception {
        HookServer hook = server().handler(r -> HookServer.Answer.of(400, "unknown field 'kind'"));
        AlertDispatcher d = dispatcher(Duration.ofMinutes(5), webhook("pager", hook));

        d.send(down("oslo-db"));

        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries().size() == 1);
        assertThat(hook.requests()).hasSize(1);
        assertThat(sleeper.sleeps).isEmpty();
        JournalEvent e = deliveries().get(0);
        assertThat(e.details().get("outcome").asText()).isEqualTo("failed");
        assertThat(e.details().get("error").asText()).contains("HTTP 400").contains("unknown field 'kind'")
                .contains("not retryable");
        assertThat(d.outcomeCounts()).containsEntry("failed", 1L);
    }

    @Test
    void aHangingReceiverDelaysNeitherTheSenderNorTheOtherChannels() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HookServer slow = server().handler(r -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HookServer.Answer.of(200, "ok");
        });
        HookServer fast = server();
        AlertDispatcher d = dispatcher(Duration.ofMinutes(5), webhook("slow", slow), webhook("fast", fast));

        d.send(down("oslo-db"));
        d.send(new Alert(Severity.WARNING, "shop", "replication lag on bergen-db above the RPO", "lag 4000 ms", "",
                AlertKind.REPLICATION_LAG, "bergen-db"));
        // Both send() calls returned although the slow receiver holds the first request and answers nothing.
        await().atMost(Duration.ofSeconds(10)).until(() -> fast.requests().size() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries().size() == 2);
        assertThat(slow.requests()).hasSize(1);
        assertThat(deliveries()).allSatisfy(e -> assertThat(e.details().get("channel").asText()).isEqualTo("fast"));

        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries().size() == 4);
        assertThat(slow.requests()).hasSize(2);
    }

    @Test
    void fiftyRepeatsAreOneDeliveryAndOneSummaryWhenTheWindowEnds() throws Exception {
        HookServer hook = server();
        AlertDispatcher d = dispatcher(Duration.ofMinutes(5), webhook("pager", hook));

        for (int i = 0; i < 50; i++) {
            d.send(new Alert(Severity.WARNING, "shop", "primary oslo-db unreachable from the monitor", "probe " + i + " failed",
                    "no failover", AlertKind.PRIMARY_UNREACHABLE_FROM_MONITOR, "oslo-db"));
            clock.advance(Duration.ofSeconds(5));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries().size() == 1);
        assertThat(alerts()).hasSize(50);
        assertThat(alerts()).filteredOn(e -> e.details().has("grouped")).hasSize(49);
        assertThat(d.outcomeCounts()).containsEntry("grouped", 49L);

        clock.advance(Duration.ofMinutes(1)); // 50 x 5 s + 1 m > 5 m: the window is over
        d.flushExpired();
        await().atMost(Duration.ofSeconds(10)).until(() -> hook.requests().size() == 2);
        JsonNode summary = new ObjectMapper().readTree(hook.requests().get(1).body());
        assertThat(summary.get("event").asText())
                .isEqualTo("primary oslo-db unreachable from the monitor (repeated 49 more times in 5m)");
        assertThat(summary.get("evidence").asText()).contains("probe 49 failed");
        // The summary opened a fresh window; nothing more happened in it, so the next end is silent.
        clock.advance(Duration.ofMinutes(6));
        d.flushExpired();
        d.send(down("oslo-db"));
        await().atMost(Duration.ofSeconds(10)).until(() -> hook.requests().size() == 3);
    }

    @Test
    void closeSendsPendingSummariesAndDrainsTheQueue() throws Exception {
        HookServer hook = server();
        AlertDispatcher d = dispatcher(Duration.ofMinutes(5), webhook("pager", hook));
        for (int i = 0; i < 4; i++) d.send(down("oslo-db"));

        d.close();

        assertThat(hook.requests()).hasSize(2);
        assertThat(new ObjectMapper().readTree(hook.requests().get(1).body()).get("event").asText())
                .isEqualTo("primary oslo-db down (repeated 3 more times before Vakt stopped)");
        assertThat(deliveries()).hasSize(2);
        d.send(down("bergen-db"));
        assertThat(alerts()).as("journaled after close, not delivered").hasSize(6);
        assertThat(hook.requests()).hasSize(2);
    }

    @Test
    void secretsNeverReachTheJournalEvenWhenDeliveryFails() throws Exception {
        HookServer hook = server().handler(r -> HookServer.Answer.of(404, "no_service"));
        String slackToken = "T0001/B0002/XyZsecretToken123";
        Path slackUrl = tmp.resolve("slack.url");
        Files.writeString(slackUrl, hook.uri("/services/" + slackToken) + "\n");
        Path smtpPw = tmp.resolve("smtp.pw");
        String password = "smtp-pass-5d8e2";
        Files.writeString(smtpPw, password);
        AlertDispatcher d = dispatcher(Duration.ofMinutes(5),
                new SlackChannelConfig("chat", null, slackUrl, null, null, Duration.ofSeconds(5)),
                webhook("pager", hook),
                // Nothing listens on this port: a connection error, retried, then failed.
                new EmailChannelConfig("mail", null, ADDRESS, 1, EmailChannelConfig.StartTls.REQUIRED, "vakt", smtpPw,
                        null, null, "vakt@example.no", List.of("ops@example.no"), null, Duration.ofSeconds(2)));

        d.send(down("oslo-db"));
        await().atMost(Duration.ofSeconds(20)).until(() -> deliveries().size() == 3);
        d.close();

        assertThat(deliveries()).allSatisfy(e -> assertThat(e.details().get("outcome").asText()).isEqualTo("failed"));
        JournalEvent slack = deliveries().stream().filter(e -> e.details().get("channel").asText().equals("chat")).findFirst()
                .orElseThrow();
        assertThat(slack.details().get("error").asText()).contains("HTTP 404 no_service");
        JournalEvent mail = deliveries().stream().filter(e -> e.details().get("channel").asText().equals("mail")).findFirst()
                .orElseThrow();
        assertThat(mail.details().get("attempts").asInt()).as("a refused connection is retried").isEqualTo(5);
        String history = no.vakt.journal.JournalJson.mapper().writeValueAsString(journal.history(500));
        byte[] file = Files.readAllBytes(tmp.resolve("journal.db"));
        for (String secret : List.of(KEY, slackToken, "XyZsecretToken123", password)) {
            assertThat(history).doesNotContain(secret);
            assertThat(new String(file, StandardCharsets.ISO_8859_1)).doesNotContain(secret);
        }
    }
}
