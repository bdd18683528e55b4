package no.vakt.filesync;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import no.vakt.alert.Alert;
import no.vakt.alert.AlertKind;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.Severity;
import no.vakt.config.VaktConfig;
import no.vakt.coordination.SharedDirection;
import no.vakt.journal.Journal;

/**
 * File sync as {@code vakt run} hosts it: started and stopped with the monitor, and the failover's
 * {@link FileSyncDirector}. Without {@code files.directories} it does nothing and the director only logs.
 * A file sync that cannot start is alerted and printed, never a reason for the monitor to stop.
 */
public final class FileSync implements AutoCloseable {
    private final VaktConfig config;
    private final Journal journal;
    private final AlertSink alerts;
    private final Consumer<String> print;
    private final FileSyncService service;
    /** With agents, what this agent pushes of a direction ({@link AgentDirection#here}); else every direction. */
    private final java.util.function.UnaryOperator<SyncDirection> here;

    private final SharedDirection shared;

    private FileSync(VaktConfig config, Journal journal, AlertSink alerts, Consumer<String> print, FileSyncService service,
            java.util.function.UnaryOperator<SyncDirection> here, SharedDirection shared) {
        this.here = here;
        this.shared = shared;
        this.config = config;
        this.journal = journal;
        this.alerts = alerts;
        this.print = print;
        this.service = service;
    }

    public static FileSync forDaemon(VaktConfig config, Journal journal, Path configFile, Clock clock, AlertSink alerts,
            Consumer<String> print) {
        return forDaemon(config, journal, configFile, clock, alerts, print, null);
    }

    /**
     * @param coordinator with agents: only the agent on the source's host pushes ({@link AgentDirection});
     *     null (the single monitor): this process pushes as the journal and the servers say
     */
    public static FileSync forDaemon(VaktConfig config, Journal journal, Path configFile, Clock clock, AlertSink alerts,
            Consumer<String> print, no.vakt.coordination.Coordinator coordinator) {
        java.util.function.Supplier<SyncDirection> live = LiveDirection.of(config, journal, clock, print);
        if (coordinator == null || !config.files().enabled()) {
            FileSyncService s = !config.files().enabled() ? null
                    : new FileSyncService(config, configFile, live, clock, alerts, print, false);
            return new FileSync(config, journal, alerts, print, s, d -> d, null);
        }
        String name = coordinator.status().agent();
        // The cluster's direction, watched: the source's agent follows a direction another agent journaled (docs/ha.md).
        SharedDirection shared = coordinator.runs().map(no.vakt.coordination.ZooKeeperRuns::direction).orElse(null);
        AgentDirection agent = new AgentDirection(config, name, live, () -> FileSyncDirections.stamped(journal, config, name),
                shared, coordinator::knownEpoch, clusterDirection(coordinator, clock, print));
        FileSyncService s = new FileSyncService(config, configFile, agent, clock, alerts, print, false);
        return new FileSync(config, journal, alerts, print, s, agent::here, shared);
    }

    /** The direction the cluster's record sets; none without ZooKeeper's runs. */
    private static java.util.function.LongFunction<Optional<SyncDirection>> clusterDirection(
            no.vakt.coordination.Coordinator coordinator, Clock clock, Consumer<String> print) {
        return coordinator.runs().<java.util.function.LongFunction<Optional<SyncDirection>>>map(runs -> {
            ClusterDirection record = new ClusterDirection(runs::lastPromotionNow, clock, print);
            return record::atLeast;
        }).orElse(epoch -> Optional.empty());
    }

    public FileSyncDirector director() {
        return service == null ? new LoggingFileSyncDirector()
                : new JournalFileSyncDirector(journal, config, d -> service.apply(here.apply(d)));
    }

    /** The running service, for status and metrics; empty without file sync. */
    public Optional<FileSyncService> service() {
        return Optional.ofNullable(service);
    }

    public void start() {
        if (service == null) return;
        try {
            service.start();
        } catch (RuntimeException e) {
            print.accept("file sync NOT running: " + e.getMessage());
            // Nothing reaches the other node from now on: that is file sync falling behind, about the target.
            String target = null;
            try {
                target = FileSyncDirections.current(journal, config).target();
            } catch (RuntimeException ignored) {
                // The journal cannot say either; the alert is about the pair then.
            }
            alerts.send(new Alert(Severity.WARNING, config.cluster(), "file sync not running", String.valueOf(e.getMessage()),
                    "fix the cause and restart vakt run; `vakt check` lists the file sync problems",
                    AlertKind.FILE_SYNC_BEHIND, target));
        }
    }

    @Override
    public void close() {
        if (service != null) service.close();
        if (shared != null) shared.close();
    }
}
