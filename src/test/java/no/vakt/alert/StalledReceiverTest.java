package no.vakt.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import no.vakt.cluster.RetryPolicy;
import no.vakt.cluster.Severity;
import no.vakt.config.AlertsConfig;
import no.vakt.config.SlackChannelConfig;
import no.vakt.config.WebhookChannelConfig;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.testing.Loopback;
import no.vakt.testing.ManualClock;
import no.vakt.testing.StallingHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault matrix's "webhook stall": a receiver (webhook or Slack) that sends its response headers and
 * then nothing is cut off at the channel's timeout, body included, as a retryable failure; the
 * dispatcher retries it and journals the failure instead of holding the channel forever.
 */
class StalledReceiverTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock(T0);

    private static Alert alert() {
        return new Alert(Severity.CRITICAL, "shop", "primary oslo-db down", "3 probes failed", "automatic: promoting bergen-db",
                AlertKind.PRIMARY_DOWN, "oslo-db");
    }

    private WebhookChannelConfig webhook(StallingHttpServer s) throws Exception {
        Path key = tmp.resolve("hook.key");
        Files.writeString(key, "hook-key\n");
        return new WebhookChannelConfig("pager", null, s.uri("/hook"), key, null, null, TIMEOUT);
    }

    /** Delivers once, directly, and returns the failure; fails instead of hanging when there is no deadline. */
    private static DeliveryException deliverFails(Channel channel) {
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try {
                channel.deliver(alert(), "d-1", T0);
            } catch (DeliveryException e) {
                return e;
            }
            throw new AssertionError("delivered to a receiver that never finished its answer");
        });
    }

    @Test
    void aWebhookThatStallsAfterItsHeadersFailsRetryablyAtTheTimeout() throws Exception {
        try (StallingHttpServer hook = new StallingHttpServer(Loopback.nextAddress())) {
            Channel channel = new WebhookChannel("pager", webhook(hook), new HttpSender(HttpSender.newClient()), clock);
            DeliveryException e = deliverFails(channel);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("no complete answer within 1000 ms");
            assertThat(hook.requests()).isEqualTo(1);
        }
    }

    @Test
    void aSlackWebhookThatStallsAfterItsHeadersFailsRetryablyWithoutShowingItsUrl() throws Exception {
        try (StallingHttpServer slack = new StallingHttpServer(Loopback.nextAddress())) {
            Path urlFile = tmp.resolve("slack.url");
            Files.writeString(urlFile, slack.uri("/services/T0/B0/secretToken") + "\n");
            Channel channel = new SlackChannel("chat", new SlackChannelConfig("chat", null, urlFile, null, null, TIMEOUT),
                    new HttpSender(HttpSender.newClient()));
            DeliveryException e = deliverFails(channel);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("slack webhook").contains("no complete answer within 1000 ms")
                    .doesNotContain("secretToken");
        }
    }

    @Test
    void theDispatcherRetriesAStalledWebhookAndJournalsTheFailure() throws Exception {
        try (StallingHttpServer hook = new StallingHttpServer(Loopback.nextAddress());
                Journal journal = new Journal(tmp.resolve("journal.db"), clock)) {
            AlertsConfig settings = new AlertsConfig(List.of(webhook(hook)), null, Duration.ofMinutes(5), 5, 50);
            try (AlertDispatcher d = new AlertDispatcher(AlertSinks.channels(settings, clock), settings, journal, clock,
                    new RecordingSleeper(), new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofMinutes(1), () -> 0.5),
                    new NoOpAlertSink(), Duration.ofSeconds(5))) {
                d.send(alert());
                await().atMost(Duration.ofSeconds(60)).until(() -> deliveries(journal).size() == 1);
                JournalEvent failed = deliveries(journal).get(0);
                assertThat(failed.details().get("outcome").asText()).isEqualTo("failed");
                assertThat(failed.details().get("attempts").asInt()).isEqualTo(3);
                assertThat(failed.details().get("error").asText()).contains("no complete answer within 1000 ms");
                assertThat(hook.requests()).isEqualTo(3);
            }
        }
    }

    private static List<JournalEvent> deliveries(Journal journal) {
        return journal.history(100).stream().filter(e -> e.kind() == EventKind.ALERT_DELIVERY).toList();
    }
}
