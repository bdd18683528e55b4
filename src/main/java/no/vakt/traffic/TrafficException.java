package no.vakt.traffic;

/**
 * A traffic provider call that failed. {@code retryable} is decided by the provider where the failure
 * is known (timeouts, HTTP 429 and 5xx, DNS SERVFAIL: retryable; 401/403, a missing zone or record,
 * a bad TSIG key: not). Messages never contain secrets.
 */
public class TrafficException extends Exception {
    private final boolean retryable;

    public TrafficException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public TrafficException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
