package no.vakt.drill;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import no.vakt.alert.LoggingAlertSink;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.filesync.LoggingFileSyncDirector;
import no.vakt.journal.Journal;
import no.vakt.traffic.LoggingTrafficSwitch;

/**
 * Builds a {@link Drill} with what this build has: local/ssh process faults, the lab's network
 * namespaces when they exist, and the same traffic switch, file sync and alerts as {@code vakt run}
 * (the lead wires the real ones in both places).
 */
public final class Drills {
    private Drills() {}

    public static Drill create(VaktConfig config, Path configFile, Journal journal, Clock clock, PrintWriter out) {
        NodeInspector inspector = new NodeInspector(config.policy().checks().timeout().plusSeconds(2));
        Drill.Environment env = new Drill.Environment(
                new DefaultFaults(inspector, LabNetworkFaults.forConfig(configFile).orElse(null)),
                FilesProbe.NONE, new LoggingTrafficSwitch(), new LoggingFileSyncDirector(), new LoggingAlertSink());
        return new Drill(config, configFile, journal, clock, env, out);
    }
}
