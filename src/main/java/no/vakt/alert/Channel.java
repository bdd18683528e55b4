package no.vakt.alert;

import java.time.Instant;
import no.vakt.cluster.Severity;
import no.vakt.config.ChannelConfig;

/** One configured destination. {@link #deliver} makes exactly one attempt; the worker retries. */
abstract class Channel {
    private final String name;
    private final ChannelConfig config;

    Channel(String name, ChannelConfig config) {
        this.name = name;
        this.config = config;
    }

    final String name() {
        return name;
    }

    /** "slack", "webhook", ... as in the config. */
    final String type() {
        return config.type();
    }

    final Severity minSeverity() {
        return config.minSeverity();
    }

    /**
     * Sends one alert once.
     *
     * @param id the same for every attempt and every channel of one alert, so receivers can drop duplicates
     * @param at when the alert was raised
     * @throws DeliveryException from {@link Retryable}, with a message free of secrets
     */
    abstract void deliver(Alert alert, String id, Instant at) throws DeliveryException, InterruptedException;
}
