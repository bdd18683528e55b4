package no.vakt.alert;

import java.time.Duration;

/**
 * How one alert fared on one channel.
 *
 * @param result delivered, failed (attempts used up or not retryable), or dropped (queue full, shutdown)
 * @param error the last error, free of secrets; null when delivered
 */
record DeliveryOutcome(String channel, String type, AlertQueue.Envelope envelope, Result result, int attempts,
        Duration elapsed, String error) {
    enum Result {
        DELIVERED, FAILED, DROPPED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
