package no.vakt.traffic;

import java.time.Duration;

/**
 * A retryable failure where the provider said when to come back (HTTP 429 with {@code Retry-After}).
 * A retry loop should wait at least {@link #retryAfter()} before the next attempt.
 */
public final class RetryLaterException extends TrafficException {
    private final Duration retryAfter;

    public RetryLaterException(String message, Duration retryAfter) {
        super(message, true);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
