package no.vakt.alert;

import java.time.Duration;
import java.util.function.DoubleSupplier;
import no.vakt.cluster.Doubling;

/**
 * Exponential backoff with jitter between delivery attempts: before attempt n+1 wait a random time
 * between half and all of {@code base * 2^(n-1)}, capped at {@code cap}; a server's Retry-After is
 * waited for in full (up to {@link Retryable#MAX_RETRY_AFTER}). The jitter keeps several Vakt
 * instances, or several channels behind one proxy, from retrying in step.
 *
 * @param maxAttempts attempts in all, the first included
 * @param random values in [0, 1); injected so tests know the delays
 */
record RetryPolicy(int maxAttempts, Duration base, Duration cap, DoubleSupplier random) {
    /** 1 s, 2 s, 4 s, 8 s ... capped at a minute: a webhook that restarts is back within that. */
    static RetryPolicy standard(int maxAttempts) {
        return new RetryPolicy(maxAttempts, Duration.ofSeconds(1), Duration.ofMinutes(1), Math::random);
    }

    RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
    }

    /** Whether attempt {@code done} (1-based) may be followed by another after this failure. */
    boolean mayRetry(int done, DeliveryException failure) {
        return failure.retryable() && done < maxAttempts;
    }

    /** How long to wait after failed attempt {@code done} (1-based). */
    Duration delayAfter(int done, DeliveryException failure) {
        long ceiling = Doubling.capped(base, cap, done - 1).toMillis();
        long backoff = ceiling / 2 + (long) (random.getAsDouble() * (ceiling - ceiling / 2));
        Duration d = Duration.ofMillis(backoff);
        Duration asked = failure.retryAfter();
        return asked != null && asked.compareTo(d) > 0 ? asked : d;
    }
}
