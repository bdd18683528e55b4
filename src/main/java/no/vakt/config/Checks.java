package no.vakt.config;

import java.time.Duration;

/** How the monitor probes: every {@code interval}, each probe bounded by {@code timeout}. */
public record Checks(Duration interval, Duration timeout, Integer failures) {
    public static final Checks DEFAULT = new Checks(null, null, null);

    public Checks {
        interval = interval != null ? interval : Duration.ofSeconds(1);
        timeout = timeout != null ? timeout : Duration.ofSeconds(1);
        failures = failures != null ? failures : 3;
    }
}
