package no.vakt.traffic;

import java.time.Clock;
import no.vakt.alert.AlertSink;
import no.vakt.config.VaktConfig;
import no.vakt.journal.Journal;

/** Builds the traffic switch a config asks for. */
public final class TrafficSwitches {
    private TrafficSwitches() {}

    /**
     * With {@code traffic: []} a {@link LoggingTrafficSwitch} (the operator moves traffic by hand and
     * the log says so); otherwise a {@link ConfiguredTrafficSwitch} over every entry, with the default
     * retry policy and real sleeps.
     */
    public static TrafficSwitch fromConfig(VaktConfig config, Journal journal, AlertSink alerts, Clock clock) {
        if (config.traffic().isEmpty()) return new LoggingTrafficSwitch();
        return new ConfiguredTrafficSwitch(config, journal, alerts, RetryPolicy.DEFAULT, Sleeper.REAL, clock);
    }
}
