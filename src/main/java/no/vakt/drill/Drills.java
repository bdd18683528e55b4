package no.vakt.drill;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import no.vakt.alert.LoggingAlertSink;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.filesync.LoggingFileSyncDirector;
import no.vakt.journal.Journal;
import no.vakt.traffic.TrafficSwitches;

/**
 * Builds a {@link Drill} with what this build has: local/ssh process faults, the lab's network
 * namespaces when they exist, and the same traffic switch, file sync and alerts as {@code vakt run}
 * (the configured traffic switch: the drill measures the DNS/balancer switch too).
 */
public final class Drills {
    private Drills() {}

    public static Drill create(VaktConfig config, Path configFile, Journal journal, Clock clock, PrintWriter out) {
        NodeInspector inspector = new NodeInspector(config.policy().checks().timeout().plusSeconds(2));
        LoggingAlertSink alerts = new LoggingAlertSink();
        Drill.Environment env = new Drill.Environment(
                new DefaultFaults(inspector, LabNetworkFaults.forConfig(configFile).orElse(null)),
                FilesProbe.NONE, TrafficSwitches.fromConfig(config, journal, alerts, clock), new LoggingFileSyncDirector(),
                alerts);
        return new Drill(config, configFile, journal, clock, env, out);
    }
}
