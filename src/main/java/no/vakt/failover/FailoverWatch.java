package no.vakt.failover;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import no.vakt.alert.AlertSink;
import no.vakt.cluster.OperatorCommands;
import no.vakt.config.VaktConfig;
import no.vakt.failover.detect.AlertingFailoverTrigger;
import no.vakt.filesync.FileSyncDirector;
import no.vakt.journal.Journal;
import no.vakt.maintenance.Maintenance;
import no.vakt.traffic.ConfiguredTrafficSwitch;
import no.vakt.traffic.TrafficSwitch;

/**
 * The monitor wired to the failover runner: a confirmed DOWN runs the runner by the policy's mode,
 * with the monitor's own last heartbeat bounding the data loss. One composition for {@code vakt run},
 * a drill's in-process monitor and {@code bench/failover}, so they fail over exactly alike.
 *
 * <p>{@link #start()} also starts the {@link TrafficRetry} (with a configured traffic switch): a switch a
 * failover left pending, here or in another process sharing the journal, is retried with backoff.
 * Lifecycle: {@link #start()} once, {@link #close()} (idempotent) stops the retry, then the monitor.
 */
public final class FailoverWatch implements AutoCloseable {
    private final FailoverRunner runner;
    private final Monitor monitor;
    private final Optional<TrafficRetry> trafficRetry;
    private final Maintenance maintenance;
    private final Consumer<String> out;

    /** As {@link #FailoverWatch(VaktConfig, Path, Journal, Clock, AlertSink, TrafficSwitch, FileSyncDirector, Consumer)}, the config file unknown. */
    public FailoverWatch(VaktConfig config, Journal journal, Clock clock, AlertSink alerts, TrafficSwitch traffic,
            FileSyncDirector files, Consumer<String> out) {
        this(config, null, journal, clock, alerts, traffic, files, out);
    }

    /**
     * @param configFile the config file this process loaded: alerts and plans name it in their commands
     *     ({@code vakt promote --confirm --config ...}); null when not known
     */
    public FailoverWatch(VaktConfig config, Path configFile, Journal journal, Clock clock, AlertSink alerts,
            TrafficSwitch traffic, FileSyncDirector files, Consumer<String> out) {
        this(config, configFile, journal, clock, alerts, traffic, files, out, TrafficRetry.Backoff.DEFAULT);
    }

    /** @param retryBackoff the traffic retry's pauses (tests shorten them) */
    public FailoverWatch(VaktConfig config, Path configFile, Journal journal, Clock clock, AlertSink alerts,
            TrafficSwitch traffic, FileSyncDirector files, Consumer<String> out, TrafficRetry.Backoff retryBackoff) {
        this(config, configFile, journal, clock, alerts, traffic, files, out, retryBackoff, ActingGate.ALWAYS);
    }

    /**
     * @param gate the one check before an action starts ({@code vakt run}: the coordinator's authority); the
     *     monitor keeps detecting and alerting without it
     */
    public FailoverWatch(VaktConfig config, Path configFile, Journal journal, Clock clock, AlertSink alerts,
            TrafficSwitch traffic, FileSyncDirector files, Consumer<String> out, TrafficRetry.Backoff retryBackoff,
            ActingGate gate) {
        OperatorCommands commands = OperatorCommands.of(configFile, journal.file());
        this.runner = new FailoverRunner(config, journal, clock, alerts, traffic, files, commands);
        Monitor[] self = new Monitor[1];
        this.maintenance = new Maintenance(journal, config.cluster(), clock);
        this.out = out;
        PrimaryQuorum quorum = gate.quorum(clock, config.policy().checks());
        AutomaticFailover trigger = new AutomaticFailover(config, runner,
                new AlertingFailoverTrigger(config.cluster(), alerts, commands), () -> self[0].lastHeartbeatWritten(), out,
                maintenance::active, alerts, gate, quorum);
        this.monitor = new Monitor(config, journal, trigger, alerts, clock, out, commands, gate);
        monitor.publishTicksTo(quorum::publish);
        self[0] = monitor;
        runner.oldPrimaryDoor(monitor::guardOldPrimary);
        runner.monitorNoAnswer(monitor::primaryNoAnswer);
        runner.stepGate(gate.steps());
        if (traffic instanceof ConfiguredTrafficSwitch configured) {
            TrafficRetry retry = new TrafficRetry(configured, journal,
                    TrafficRetry.fromServers(config), alerts, clock, retryBackoff, out, gate);
            runner.onTrafficPending(retry::wake);
            this.trafficRetry = Optional.of(retry);
        } else {
            // traffic: [] (or a switch that cannot be pending): nothing to retry.
            this.trafficRetry = Optional.empty();
        }
    }

    public FailoverRunner runner() {
        return runner;
    }

    public Monitor monitor() {
        return monitor;
    }

    /** The pause automatic failover honours (with agents shared through ZooKeeper: {@link Maintenance#share}). */
    public Maintenance maintenance() {
        return maintenance;
    }

    /** Finishes or safely stops a failover a crash left running; call before {@link #start()}. */
    public Optional<FailoverRunner.Recovery> resumeUnfinished() {
        return runner.resumeUnfinished();
    }

    /** Starts the monitor and the retry of a pending traffic switch. */
    public FailoverWatch start() {
        // Said at start, so a pause left in force (vakt pause --for 7d) is not forgotten.
        maintenance.active().ifPresent(p -> out.accept("automatic failover paused " + p.describe() + "; `vakt resume` ends it"));
        monitor.start();
        trafficRetry.ifPresent(TrafficRetry::start);
        return this;
    }

    @Override
    public void close() {
        trafficRetry.ifPresent(TrafficRetry::close);
        monitor.close();
    }
}
