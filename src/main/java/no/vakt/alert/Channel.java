package no.vakt.alert;

import java.time.Instant;
import no.vakt.cluster.Severity;

/** One configured destination. {@link #deliver} makes exactly one attempt; the worker retries. */
interface Channel {
    String name();

    String type();

    Severity minSeverity();

    /**
     * Sends one alert once.
     *
     * @param id the same for every attempt and every channel of one alert, so receivers can drop duplicates
     * @param at when the alert was raised
     * @throws DeliveryException from {@link Retryable}, with a message free of secrets
     */
    void deliver(Alert alert, String id, Instant at) throws DeliveryException, InterruptedException;
}
