package no.vakt.alert;

import java.time.Duration;

/**
 * One delivery attempt failed. Built only by {@link Retryable}, which decides whether another attempt
 * can help. The message never holds a secret (channels redact what they send to).
 */
final class DeliveryException extends Exception {
    private final boolean retryable;
    private final Duration retryAfter;

    DeliveryException(String message, boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    boolean retryable() {
        return retryable;
    }

    /** What the server asked for (HTTP Retry-After), null when it did not say. */
    Duration retryAfter() {
        return retryAfter;
    }
}
