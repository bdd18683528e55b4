package no.vakt.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import no.vakt.cluster.RetryPolicy;
import org.junit.jupiter.api.Test;

class TrafficCallsTest {
    private final RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1));

    @Test
    void retryableFailuresAreRetriedWithDoublingBackoffAndARetryAfterIsHonouredUpToItsCap() throws Exception {
        List<Duration> slept = new ArrayList<>();
        int[] calls = {0};
        TrafficCalls.Attempted<String> r = TrafficCalls.run(policy, () -> {
            calls[0]++;
            if (calls[0] == 1) throw new TrafficException("timeout", true);
            if (calls[0] == 2) throw new RetryLaterException("429", Duration.ofSeconds(3));
            if (calls[0] == 3) throw new RetryLaterException("429", Duration.ofMinutes(10));
            return "ok";
        }, slept::add);
        assertThat(r.value()).isEqualTo("ok");
        assertThat(r.attempts()).isEqualTo(4);
        assertThat(slept).containsExactly(Duration.ofMillis(100), Duration.ofSeconds(3), TrafficCalls.MAX_RETRY_AFTER);
    }

    @Test
    void aNonRetryableFailureStopsAtOnce() {
        List<Duration> slept = new ArrayList<>();
        assertThatThrownBy(() -> TrafficCalls.run(policy, () -> {
            throw new TrafficException("403 forbidden", false);
        }, slept::add)).hasMessage("403 forbidden")
                .matches(e -> ((TrafficCalls.AttemptsExhausted) e).attempts() == 1);
        assertThat(slept).isEmpty();
    }
}
