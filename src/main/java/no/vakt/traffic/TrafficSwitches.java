package no.vakt.traffic;

import java.nio.file.Path;
import java.time.Clock;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.OperatorCommands;
import no.vakt.cluster.Sleeper;
import no.vakt.config.VaktConfig;
import no.vakt.journal.Journal;

/** Builds the traffic switch a config asks for. */
public final class TrafficSwitches {
    private TrafficSwitches() {}

    /**
     * With {@code traffic: []} a {@link LoggingTrafficSwitch} (the operator moves traffic by hand and
     * the log says so); otherwise a {@link ConfiguredTrafficSwitch} over every entry, with the default
     * retry policy and real sleeps. Its alert names {@code vakt traffic apply} without {@code --config}:
     * prefer {@link #fromConfig(VaktConfig, Journal, AlertSink, Clock, Path)} where the file is known.
     */
    public static TrafficSwitch fromConfig(VaktConfig config, Journal journal, AlertSink alerts, Clock clock) {
        return fromConfig(config, journal, alerts, clock, null);
    }

    /**
     * As {@link #fromConfig(VaktConfig, Journal, AlertSink, Clock)}; a failed switch's alert names the exact
     * command for this config file and journal ({@link OperatorCommands#trafficApply()}).
     */
    public static TrafficSwitch fromConfig(VaktConfig config, Journal journal, AlertSink alerts, Clock clock,
            Path configFile) {
        if (config.traffic().isEmpty()) return new LoggingTrafficSwitch();
        String apply = OperatorCommands.of(configFile, journal == null ? null : journal.file()).trafficApply();
        return new ConfiguredTrafficSwitch(config, journal, alerts, TrafficCalls.DEFAULT, Sleeper.REAL, clock, apply);
    }
}
