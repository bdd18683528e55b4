package no.vakt.cluster;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The one retry policy: a failure the caller marked retryable is tried again until {@code maxAttempts}, the
 * wait doubling from {@code first} up to {@code cap} ({@link Doubling}), or longer when the other side said
 * when to come back (HTTP 429/503 Retry-After, capped by the caller). What counts as retryable stays with
 * each capability (a rejected API key never is); how often and how long is decided here.
 *
 * @param maxAttempts attempts in all, the first included
 * @param jitter values in [0, 1) that spread each wait between half and all of its backoff, so several
 *     Vakt instances or channels behind one proxy do not retry in step; null: no jitter. Injected so tests
 *     know the delays.
 */
public record RetryPolicy(int maxAttempts, Duration first, Duration cap, DoubleSupplier jitter) {
    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
        if (first.isNegative() || cap.isNegative()) throw new IllegalArgumentException("negative backoff");
    }

    /** Without jitter: the waits are exactly {@code first}, {@code 2 * first} ... up to {@code cap}. */
    public RetryPolicy(int maxAttempts, Duration first, Duration cap) {
        this(maxAttempts, first, cap, null);
    }

    /** Whether attempt {@code done} (1-based), which failed, is followed by another. */
    public boolean mayRetry(boolean retryable, int done) {
        return retryable && done < maxAttempts;
    }

    /** The backoff after failed attempt {@code done} (1-based), jittered when the policy says so. */
    public Duration backoff(int done) {
        Duration ceiling = Doubling.capped(first, cap, done - 1);
        if (jitter == null) return ceiling;
        long ms = ceiling.toMillis();
        return Duration.ofMillis(ms / 2 + (long) (jitter.getAsDouble() * (ms - ms / 2)));
    }

    /** The wait after failed attempt {@code done}: the backoff, or {@code retryAfter} when that is longer (null: none). */
    public Duration delayAfter(int done, Duration retryAfter) {
        Duration d = backoff(done);
        return retryAfter != null && retryAfter.compareTo(d) > 0 ? retryAfter : d;
    }
}
