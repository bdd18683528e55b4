package no.vakt.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import no.vakt.cluster.RetryPolicy;
import no.vakt.cluster.Severity;
import no.vakt.config.AlertsConfig;
import no.vakt.config.SlackChannelConfig;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slack incoming webhooks, against a local stand-in written from Slack's public documentation
 * ("Sending messages using incoming webhooks", its "Handling errors" table, and the Block Kit limits):
 * a POST of JSON with {@code text} and/or {@code blocks} to {@code /services/T…/B…/X…} answers 200
 * {@code ok}; errors are an HTTP status with a short code as the body: 400 {@code invalid_payload}
 * (not JSON or structurally wrong), 400 {@code no_text} (neither text nor blocks), 403
 * {@code action_prohibited}, 404 {@code no_service} (webhook disabled, removed or invalid), 404
 * {@code channel_not_found}, 410 {@code channel_is_archived}, 500 {@code rollup_error}; rate limiting
 * is 429 with Retry-After (seconds). Section text is at most 3000 characters, at most 50 blocks.
 */
class SlackContractTest {
    private static final String ADDRESS = "127.0.44.2";
    private static final String TOKEN = "T0VAKT001/B0VAKT002/q9XsecretWebhookToken";
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private HookServer slack;
    private Journal journal;
    private AlertDispatcher dispatcher;
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final Set<String> archived = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void setUp() throws Exception {
        slack = HookServer.start(ADDRESS).handler(this::slack);
        journal = new Journal(tmp.resolve("journal.db"), new ManualClock(T0));
    }

    @AfterEach
    void tearDown() {
        if (dispatcher != null) dispatcher.close();
        journal.close();
        slack.close();
    }

    /** The documented behaviour of one workspace's incoming webhooks. */
    private HookServer.Answer slack(HookServer.Request r) {
        if (!r.method().equals("POST")) return HookServer.Answer.of(405, "invalid_request");
        if (!r.path().equals("/services/" + TOKEN)) return HookServer.Answer.of(404, "no_service");
        if (archived.contains(TOKEN)) return HookServer.Answer.of(410, "channel_is_archived");
        String type = r.header("Content-Type");
        if (type == null || !type.startsWith("application/json")) return HookServer.Answer.of(400, "invalid_payload");
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            return HookServer.Answer.of(400, "invalid_payload");
        }
        if (body == null || !body.isObject()) return HookServer.Answer.of(400, "invalid_payload");
        boolean text = body.path("text").isTextual() && !body.get("text").asText().isBlank();
        JsonNode blocks = body.get("blocks");
        if (blocks != null && (!blocks.isArray() || blocks.size() > 50)) return HookServer.Answer.of(400, "invalid_blocks");
        if (!text && (blocks == null || blocks.isEmpty())) return HookServer.Answer.of(400, "no_text");
        if (blocks != null) {
            for (JsonNode b : blocks) {
                String t = b.path("type").asText();
                if (t.equals("section")) {
                    JsonNode tx = b.path("text");
                    if (!Set.of("mrkdwn", "plain_text").contains(tx.path("type").asText()) || tx.path("text").asText().isEmpty()
                            || tx.path("text").asText().length() > 3000) {
                        return HookServer.Answer.of(400, "invalid_blocks");
                    }
                } else if (t.equals("context")) {
                    if (!b.path("elements").isArray() || b.path("elements").isEmpty()) return HookServer.Answer.of(400, "invalid_blocks");
                } else {
                    return HookServer.Answer.of(400, "invalid_blocks");
                }
            }
        }
        return HookServer.Answer.of(200, "ok");
    }

    private AlertDispatcher dispatcher(String path) throws Exception {
        Path url = tmp.resolve("slack.url");
        Files.writeString(url, slack.uri(path) + "\n");
        AlertsConfig settings = new AlertsConfig(List.of(new SlackChannelConfig("ops-chat", null, url, null, null,
                Duration.ofSeconds(5))), null, Duration.ZERO, 5, 50);
        dispatcher = new AlertDispatcher(AlertSinks.channels(settings, new ManualClock(T0)), settings, journal,
                new ManualClock(T0), sleeper, new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofMinutes(1), () -> 0.0),
                new NoOpAlertSink(), Duration.ofSeconds(5));
        return dispatcher;
    }

    private static Alert alert(String evidence) {
        return new Alert(Severity.CRITICAL, "shop", "primary oslo-db is down", evidence,
                "approve with: vakt promote --confirm", AlertKind.APPROVAL_NEEDED, "oslo-db",
                "https://vakt.example.no/#approve");
    }

    private JournalEvent outcome() {
        await().atMost(Duration.ofSeconds(10)).until(() -> journal.history(50).stream()
                .anyMatch(e -> e.kind() == EventKind.ALERT_DELIVERY));
        return journal.history(50).stream().filter(e -> e.kind() == EventKind.ALERT_DELIVERY).findFirst().orElseThrow();
    }

    @Test
    void aMessageIsTextPlusBlocksThatSlackAccepts() throws Exception {
        dispatcher("/services/" + TOKEN).send(alert("lag <1s> & 3 probes failed"));

        assertThat(outcome().details().get("outcome").asText()).isEqualTo("delivered");
        JsonNode body = JSON.readTree(slack.requests().get(0).body());
        assertThat(body.get("text").asText()).isEqualTo("[CRITICAL] shop: primary oslo-db is down");
        List<String> texts = body.get("blocks").findValues("text").stream()
                .map(t -> t.isTextual() ? t.asText() : t.path("text").asText()).toList();
        assertThat(String.join("\n", texts))
                .contains("lag &lt;1s&gt; &amp; 3 probes failed")
                .contains("approve with: vakt promote --confirm")
                .contains("<https://vakt.example.no/#approve|Open the Vakt dashboard>")
                .contains("approval-needed · oslo-db");
    }

    @Test
    void aVeryLongEvidenceIsCutToSlacksSectionLimit() throws Exception {
        dispatcher("/services/" + TOKEN).send(alert("x".repeat(10_000)));
        assertThat(outcome().details().get("outcome").asText()).isEqualTo("delivered");
    }

    @Test
    void noServiceIsNotRetriedAndTheJournalNamesTheErrorButNotTheUrl() throws Exception {
        dispatcher("/services/T0VAKT001/B0VAKT002/revokedToken").send(alert("x"));

        JournalEvent e = outcome();
        assertThat(e.details().get("outcome").asText()).isEqualTo("failed");
        assertThat(e.details().get("error").asText()).isEqualTo("HTTP 404 no_service (not retryable)");
        assertThat(slack.requests()).hasSize(1);
        assertThat(JSON.writeValueAsString(e.details())).doesNotContain("revokedToken").doesNotContain(ADDRESS);
    }

    @Test
    void anArchivedChannelIsNotRetried() throws Exception {
        archived.add(TOKEN);
        dispatcher("/services/" + TOKEN).send(alert("x"));
        assertThat(outcome().details().get("error").asText()).startsWith("HTTP 410 channel_is_archived");
        assertThat(slack.requests()).hasSize(1);
    }

    @Test
    void invalidPayloadIsNotRetried() throws Exception {
        slack.answer(HookServer.Answer.of(400, "invalid_payload"));
        dispatcher("/services/" + TOKEN).send(alert("x"));
        assertThat(outcome().details().get("error").asText()).startsWith("HTTP 400 invalid_payload");
        assertThat(slack.requests()).hasSize(1);
        assertThat(sleeper.sleeps).isEmpty();
    }

    @Test
    void rateLimitingIsRetriedAfterTheAskedDelay() throws Exception {
        slack.answer(HookServer.Answer.of(429, "rate_limited").with("Retry-After", "30"));
        dispatcher("/services/" + TOKEN).send(alert("x"));

        JournalEvent e = outcome();
        assertThat(e.details().get("outcome").asText()).isEqualTo("delivered");
        assertThat(e.details().get("attempts").asInt()).isEqualTo(2);
        assertThat(sleeper.sleeps).containsExactly(Duration.ofSeconds(30));
    }

    @Test
    void aRollupErrorIsRetried() throws Exception {
        slack.answer(HookServer.Answer.of(500, "rollup_error"));
        dispatcher("/services/" + TOKEN).send(alert("x"));
        assertThat(outcome().details().get("attempts").asInt()).isEqualTo(2);
        assertThat(slack.requests()).hasSize(2);
    }
}
