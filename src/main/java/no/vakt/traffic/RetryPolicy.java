package no.vakt.traffic;

import java.time.Duration;
import no.vakt.cluster.Doubling;
import no.vakt.cluster.Sleeper;

/**
 * The one place that decides whether a failed traffic call is tried again, and after how long.
 * Only failures the provider marked retryable (timeouts, HTTP 429 and 5xx, DNS SERVFAIL) are retried;
 * a rejected key or a missing zone fails at once, because repeating it only delays the alert.
 *
 * @param maxAttempts attempts in total, the first included
 * @param firstBackoff the wait after the first failure; doubled after each further one
 * @param maxBackoff the longest single wait
 */
public record RetryPolicy(int maxAttempts, Duration firstBackoff, Duration maxBackoff) {
    /**
     * 5 attempts, 250 ms doubling to at most 4 s: about 4 s of waiting in all (0.25 + 0.5 + 1 + 2),
     * small next to the default 5 min RTO, long enough to ride out a provider's brief 5xx or a rate limit.
     */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(250), Duration.ofSeconds(4));

    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
        if (firstBackoff.isNegative() || maxBackoff.isNegative()) throw new IllegalArgumentException("negative backoff");
    }

    /** Whether attempt number {@code attempt} (1-based), which failed with {@code failure}, is followed by another. */
    public boolean shouldRetry(TrafficException failure, int attempt) {
        return failure.retryable() && attempt < maxAttempts;
    }

    /** How long to wait after failed attempt number {@code attempt} (1-based). */
    public Duration backoff(int attempt) {
        return Doubling.capped(firstBackoff, maxBackoff, attempt - 1);
    }

    /**
     * The wait after a failed attempt: the backoff, or longer when the service said when to come back
     * (HTTP 429 Retry-After), capped so a bogus header cannot stall a failover's hand-over.
     */
    public Duration delayAfter(TrafficException failure, int attempt) {
        Duration d = backoff(attempt);
        if (failure instanceof RetryLaterException later && later.retryAfter() != null
                && later.retryAfter().compareTo(d) > 0) {
            d = later.retryAfter().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : later.retryAfter();
        }
        return d;
    }

    /** The longest Retry-After honoured: beyond it the alert and `vakt traffic apply` are the better path. */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);

    /** Runs {@code call}, retrying as decided above; the last failure is thrown with its attempt count. */
    public <T> Attempted<T> run(TrafficCall<T> call, Sleeper sleeper) throws TrafficException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return new Attempted<>(call.call(), attempt);
            } catch (TrafficException e) {
                if (!shouldRetry(e, attempt)) throw new AttemptsExhausted(e, attempt);
                sleeper.sleep(delayAfter(e, attempt));
            }
        }
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
