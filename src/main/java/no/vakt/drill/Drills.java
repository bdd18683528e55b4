package no.vakt.drill;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;
import no.vakt.alert.AlertSink;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.filesync.FileSync;
import no.vakt.journal.Journal;
import no.vakt.traffic.TrafficSwitches;

/**
 * Builds a {@link Drill} with what this build has: local/ssh process faults, the lab's network
 * namespaces when they exist, and the same traffic switch, file sync and alerts as {@code vakt run}
 * (the configured traffic switch: the drill measures the DNS/balancer switch too; the file sync runs
 * only when the drill runs its own monitor, and a canary file proves the files reached the new primary).
 */
public final class Drills {
    private Drills() {}

    /**
     * @param alerts the configured channels ({@code vakt run}'s own when the daemon runs the drill)
     * @param networkFaults finds the network namespaces of {@code configFile}'s sites, when they have any
     */
    public static Drill create(VaktConfig config, Path configFile, Journal journal, Clock clock, PrintWriter out,
            AlertSink alerts, DefaultFaults.NetworkFaults.Finder networkFaults) {
        NodeInspector inspector = new NodeInspector(config.policy().checks().timeout().plusSeconds(2));
        Consumer<String> print = line -> {
            synchronized (out) {
                out.println("  " + line);
                out.flush();
            }
        };
        Drill.Environment env = new Drill.Environment(
                new DefaultFaults(inspector, networkFaults.forConfig(configFile).orElse(null)),
                CanaryFilesProbe.forConfig(config), TrafficSwitches.fromConfig(config, journal, alerts, clock),
                FileSync.forDaemon(config, journal, configFile, clock, alerts, print), alerts);
        return new Drill(config, configFile, journal, clock, env, out);
    }
}
