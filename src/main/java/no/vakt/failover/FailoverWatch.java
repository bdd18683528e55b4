package no.vakt.failover;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import no.vakt.alert.AlertSink;
import no.vakt.config.VaktConfig;
import no.vakt.detect.AlertingFailoverTrigger;
import no.vakt.detect.Monitor;
import no.vakt.filesync.FileSyncDirector;
import no.vakt.journal.Journal;
import no.vakt.traffic.TrafficSwitch;

/**
 * The monitor wired to the failover runner: a confirmed DOWN runs the runner by the policy's mode,
 * with the monitor's own last heartbeat bounding the data loss. One composition for {@code vakt run},
 * a drill's in-process monitor and {@code bench/failover}, so they fail over exactly alike.
 */
public final class FailoverWatch implements AutoCloseable {
    private final FailoverRunner runner;
    private final Monitor monitor;

    public FailoverWatch(VaktConfig config, Journal journal, Clock clock, AlertSink alerts, TrafficSwitch traffic,
            FileSyncDirector files, Consumer<String> out) {
        this.runner = new FailoverRunner(config, journal, clock, alerts, traffic, files);
        Monitor[] self = new Monitor[1];
        AutomaticFailover trigger = new AutomaticFailover(config, runner,
                new AlertingFailoverTrigger(config.cluster(), alerts), () -> self[0].lastHeartbeatWritten(), out);
        this.monitor = new Monitor(config, journal, trigger, alerts, clock, out);
        self[0] = monitor;
    }

    public FailoverRunner runner() {
        return runner;
    }

    public Monitor monitor() {
        return monitor;
    }

    /** Finishes or safely stops a failover a crash left running; call before {@link #start()}. */
    public Optional<FailoverRunner.Recovery> resumeUnfinished() {
        return runner.resumeUnfinished();
    }

    public FailoverWatch start() {
        monitor.start();
        return this;
    }

    @Override
    public void close() {
        monitor.close();
    }
}
