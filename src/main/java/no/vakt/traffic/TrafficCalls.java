package no.vakt.traffic;

import java.time.Duration;
import no.vakt.cluster.RetryPolicy;
import no.vakt.cluster.Sleeper;

/**
 * Provider calls under the {@link RetryPolicy}. Only failures the provider marked retryable (timeouts, HTTP
 * 429 and 5xx, DNS SERVFAIL) are retried; a rejected key or a missing zone fails at once, because repeating
 * it only delays the alert.
 */
public final class TrafficCalls {
    /**
     * 5 attempts, 250 ms doubling to at most 4 s: about 4 s of waiting in all (0.25 + 0.5 + 1 + 2),
     * small next to the default 5 min RTO, long enough to ride out a provider's brief 5xx or a rate limit.
     */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(250), Duration.ofSeconds(4));

    /** A service's Retry-After is honoured up to this, so a bogus header cannot stall a failover's hand-over. */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);

    private TrafficCalls() {}

    /** Runs {@code call}, retrying as {@code policy} decides; the last failure is thrown with its attempt count. */
    public static <T> Attempted<T> run(RetryPolicy policy, TrafficCall<T> call, Sleeper sleeper)
            throws TrafficException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return new Attempted<>(call.call(), attempt);
            } catch (TrafficException e) {
                if (!policy.mayRetry(e.retryable(), attempt)) throw new AttemptsExhausted(e, attempt);
                sleeper.sleep(policy.delayAfter(attempt, retryAfter(e)));
            }
        }
    }

    private static Duration retryAfter(TrafficException e) {
        if (!(e instanceof RetryLaterException later) || later.retryAfter() == null) return null;
        return later.retryAfter().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : later.retryAfter();
    }

    /** One provider call. */
    @FunctionalInterface
    public interface TrafficCall<T> {
        T call() throws TrafficException;
    }

    /** A result and how many attempts it took. */
    public record Attempted<T>(T value, int attempts) {}

    /** The last failure, with the number of attempts made; its message is the provider's. */
    public static final class AttemptsExhausted extends TrafficException {
        private final int attempts;

        AttemptsExhausted(TrafficException last, int attempts) {
            super(last.getMessage(), last.retryable(), last);
            this.attempts = attempts;
        }

        public int attempts() {
            return attempts;
        }
    }
}
