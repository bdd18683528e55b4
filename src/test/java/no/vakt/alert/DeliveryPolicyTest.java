package no.vakt.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import no.vakt.cluster.RetryPolicy;
import no.vakt.cluster.Severity;
import org.junit.jupiter.api.Test;

/** The retry decision, the backoff, and the queue's drop order: pure parts. */
class DeliveryPolicyTest {
    private static HttpHeaders headers(Map<String, List<String>> map) {
        return HttpHeaders.of(map, (a, b) -> true);
    }

    @Test
    void networkTroubleThrottlingAndServerErrorsAreRetriedClientErrorsAreNot() {
        for (int status : new int[] {408, 429, 500, 502, 503, 504}) {
            assertThat(Retryable.http(status, "", headers(Map.of())).retryable()).as("HTTP " + status).isTrue();
        }
        for (int status : new int[] {400, 401, 403, 404, 410, 413}) {
            assertThat(Retryable.http(status, "", headers(Map.of())).retryable()).as("HTTP " + status).isFalse();
        }
        assertThat(Retryable.network(new ConnectException("refused"), "x").retryable()).isTrue();
        assertThat(Retryable.network(new SSLHandshakeException("PKIX path building failed"), "x").retryable()).isFalse();
        assertThat(Retryable.transientFailure("exit 1").retryable()).isTrue();
        assertThat(Retryable.never("no such program").retryable()).isFalse();
    }

    @Test
    void retryAfterIsReadAsSecondsOrADateAndCapped() {
        assertThat(Retryable.retryAfter(headers(Map.of("Retry-After", List.of("30"))))).contains(Duration.ofSeconds(30));
        assertThat(Retryable.retryAfter(headers(Map.of("Retry-After", List.of("86400"))))).contains(Retryable.MAX_RETRY_AFTER);
        assertThat(Retryable.retryAfter(headers(Map.of("Retry-After", List.of("Wed, 21 Oct 2015 07:28:00 GMT")))))
                .as("a date in the past: now").contains(Duration.ZERO);
        assertThat(Retryable.retryAfter(headers(Map.of("Retry-After", List.of("soon"))))).isEmpty();
        assertThat(Retryable.retryAfter(headers(Map.of()))).isEqualTo(Optional.empty());
    }

    @Test
    void backoffDoublesWithJitterUpToTheCapAndHonoursRetryAfter() {
        RetryPolicy low = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(60), () -> 0.0);
        RetryPolicy high = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(60), () -> 0.999999);
        DeliveryException e = Retryable.http(503, "", headers(Map.of()));
        assertThat(low.delayAfter(1, e.retryAfter())).isEqualTo(Duration.ofMillis(500));
        assertThat(high.delayAfter(1, e.retryAfter())).isEqualTo(Duration.ofMillis(999));
        assertThat(low.delayAfter(3, e.retryAfter())).isEqualTo(Duration.ofSeconds(2));
        assertThat(high.delayAfter(9, e.retryAfter())).isLessThanOrEqualTo(Duration.ofSeconds(60));
        assertThat(low.delayAfter(9, e.retryAfter())).isEqualTo(Duration.ofSeconds(30));
        DeliveryException throttled = Retryable.http(429, "", headers(Map.of("Retry-After", List.of("20"))));
        assertThat(low.delayAfter(1, throttled.retryAfter())).isEqualTo(Duration.ofSeconds(20));
        assertThat(low.mayRetry(e.retryable(), 9)).isTrue();
        assertThat(low.mayRetry(e.retryable(), 10)).as("attempts are bounded").isFalse();
        assertThat(low.mayRetry(Retryable.http(400, "", headers(Map.of())).retryable(), 1)).isFalse();
    }

    @Test
    void aFullQueueDropsTheOldestLeastSevereAlertFirst() throws Exception {
        AlertQueue q = new AlertQueue(3);
        AlertQueue.Envelope info1 = env(Severity.INFO, "info 1");
        AlertQueue.Envelope warn = env(Severity.WARNING, "warning");
        AlertQueue.Envelope info2 = env(Severity.INFO, "info 2");
        assertThat(q.offer(info1)).isEmpty();
        assertThat(q.offer(warn)).isEmpty();
        assertThat(q.offer(info2)).isEmpty();
        assertThat(q.offer(env(Severity.CRITICAL, "critical 1"))).contains(info1);
        assertThat(q.offer(env(Severity.CRITICAL, "critical 2"))).contains(info2);
        assertThat(q.offer(env(Severity.CRITICAL, "critical 3"))).contains(warn);
        AlertQueue.Envelope lateInfo = env(Severity.INFO, "late info");
        assertThat(q.offer(lateInfo)).as("never evicts a critical for an info").contains(lateInfo);
        assertThat(q.poll(Duration.ZERO).alert().event()).isEqualTo("critical 1");
        assertThat(q.drain()).extracting(e -> e.alert().event()).containsExactly("critical 2", "critical 3");
        assertThat(q.poll(Duration.ofMillis(1))).isNull();
    }

    private static AlertQueue.Envelope env(Severity s, String event) {
        return new AlertQueue.Envelope(new Alert(s, "shop", event, "", ""), event, java.time.Instant.EPOCH, 0);
    }
}
