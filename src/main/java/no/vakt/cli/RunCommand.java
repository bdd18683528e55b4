package no.vakt.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import no.vakt.alert.AlertDispatcher;
import no.vakt.config.VaktConfig;
import no.vakt.coordination.Coordinator;
import no.vakt.coordination.LocalCoordinator;
import no.vakt.coordination.ZooKeeperCoordinator;
import no.vakt.failover.ActingGate;
import no.vakt.failover.AuthorityGained;
import no.vakt.failover.CoordinationAlerts;
import no.vakt.failover.ClusterRuns;
import no.vakt.failover.FailoverRunner;
import no.vakt.failover.FailoverWatch;
import no.vakt.failover.Monitor;
import no.vakt.failover.TrafficRetry;
import no.vakt.failover.plan.RecoveryAction;
import no.vakt.filesync.FileSync;
import no.vakt.journal.ClusterLock;
import no.vakt.journal.Journal;
import no.vakt.lab.LabNetworkFaults;
import no.vakt.server.FileSyncBacklog;
import no.vakt.server.VaktServer;
import no.vakt.traffic.TrafficSwitches;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", header = "The monitor: detect, fail over, sync files, serve the dashboard", mixinStandardHelpOptions = true,
        description = "Runs the monitor: probes the live primary every policy.checks.interval, inspects the standby,"
                + " writes the heartbeat on the primary, and prints every change of the primary's health with its"
                + " evidence (also logged and journaled). The primary counts as DOWN only when the monitor missed"
                + " checks.failures probes in a row AND the standby lost it too; when only the monitor lost it,"
                + " that is UNREACHABLE_FROM_MONITOR: an alert, never a failover. Serves the dashboard, JSON API and"
                + " /metrics on server.listen (default 127.0.0.1:8787). Runs until SIGTERM or Ctrl-C.",
        footer = {"", "Exit codes: 0 stopped normally, 1 failed, 2 bad config or usage."})
public final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigAndJournal config;

    @Option(names = "--duration", paramLabel = "DURATION", hidden = true, description = "Stop after this long (tests).")
    String durationText;

    @Override
    public Integer call() throws Exception {
        config.load(); // a bad config is the first thing said
        Duration duration = durationText == null ? null : DurationConverter.positive("--duration", durationText);
        Path journalPath = config.journal();
        Clock clock = Clock.systemUTC();
        // One process acts on a cluster: a second vakt run (or a CLI action under way) makes this one refuse.
        ClusterLock lock;
        try {
            lock = ClusterLock.acquire(journalPath, "vakt run");
        } catch (ClusterLock.HeldException e) {
            config.err().println("vakt run refused: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        try (lock) {
            return config.withAlerts(clock, (c, journal, alerts) -> coordinated(c, journal, alerts, lock, duration, clock));
        }
    }

    private int coordinated(VaktConfig cfg, Journal journal, AlertDispatcher alerts, ClusterLock lock, Duration duration,
            Clock clock) throws InterruptedException, java.io.IOException {
        // Resources close in reverse: the coordinator gives up its leadership before the alerts and the journal close.
        try (Coordinator coordinator = coordinator(cfg, lock, clock)) {
            return watch(cfg, journal, alerts, lock, coordinator, duration, clock);
        }
    }

    private int watch(VaktConfig cfg, Journal journal, AlertDispatcher alerts, ClusterLock lock, Coordinator coordinator,
            Duration duration, Clock clock) throws InterruptedException, java.io.IOException {
        PrintWriter out = config.out();
        java.util.function.Consumer<String> print = Logging.events(out);
        cfg.coordinationSection().ifPresent(k -> print.accept("coordination: ZooKeeper " + k.zookeeper() + k.chroot()
                + " as agent " + k.agent() + ": detecting and alerting always, acting only while the leader"));
        // The one check before any action starts: the coordinator's authority (docs/ha.md).
        ActingGate gate = new ActingGate(coordinator, print);
        var traffic = TrafficSwitches.fromConfig(cfg, journal, alerts, clock, config.path());
        FileSync files = FileSync.forDaemon(cfg, journal, config.path(), clock, alerts, print,
                cfg.coordinationSection().isPresent() ? coordinator : null);
        FailoverWatch watch = new FailoverWatch(cfg, config.path(), journal, clock, alerts, traffic, files.director(), print,
                TrafficRetry.Backoff.DEFAULT, gate);
        FailoverRunner runner = watch.runner();
        Monitor monitor = watch.monitor();
        // With agents each failover is recorded in ZooKeeper before each step, and the leader resumes one another
        // agent left running (docs/ha.md).
        // The pause too: set through any agent, honoured by the leader.
        coordinator.runs().ifPresent(zk -> {
            runner.clusterRuns(new ClusterRuns(zk, cfg.coordinationSection().get().agent(), journal, clock));
            watch.maintenance().share(new SharedPause(zk));
        });
        // A failover a crash left half-done is finished or safely stopped before watching again (by the agent
        // with authority only; with agents, again whenever this agent becomes the leader).
        if (cfg.coordinationSection().isPresent()) coordinator.awaitLeader(cfg.coordinationSection().get().connectionTimeout());
        if (gate.mayAct("resume an interrupted failover")) watch.resumeUnfinished().ifPresent(r -> recovered(r, print));
        java.util.Optional<AuthorityGained> adoption = coordinator.runs().map(zk -> AuthorityGained.start(coordinator::mayAct,
                runner::leftUnfinished, () -> watch.resumeUnfinished().ifPresent(r -> recovered(r, print)), Duration.ofMillis(250)));
        var webBuilder = VaktServer.builder(cfg, journal, clock).runner(runner).traffic(traffic)
                .errantDir(no.vakt.cluster.VaktFiles.errantDir(config.path()))
                .primaryReadOnly(monitor::primaryReadOnlyWarning).coordination(coordinator::status)
                .maintenance(watch.maintenance());
        files.service().ifPresent(sync -> webBuilder.fileSyncStatus(() -> java.util.Optional.of(sync.snapshot())));
        files.service().ifPresent(sync -> webBuilder.fileSync(() -> FileSyncBacklog.of(sync.snapshot())));
        // backup: the binlog archive of the live primary and backup.schedule, by the agent with authority (docs/backup.md).
        var backups = no.vakt.backup.BackupKeeper.startFor(cfg, cfg.backup().configured() ? BackupSetup.repository(cfg) : null,
                () -> monitor.roles() == null ? null : monitor.roles().primary(), () -> gate.mayAct("archive the binlogs"), alerts,
                clock, print);
        backups.ifPresent(k -> webBuilder.backup(() -> k.view(clock.instant())));
        VaktServer web = webBuilder.build();
        // With agents: an alert when this agent has no ZooKeeper session (it acts on nothing then), and when it is back.
        CoordinationAlerts zkAlerts = new CoordinationAlerts(coordinator::status, alerts, cfg.cluster(), clock,
                cfg.coordinationSection().map(c -> c.connectionTimeout()).orElse(Duration.ZERO));
        monitor.onTick(tick -> {
            web.observe(tick);
            zkAlerts.check();
        });
        // SIGTERM / Ctrl-C: stop probing and finish the current tick, then deliver queued alerts (bounded),
        // before the JVM exits.
        Thread hook = new Thread(() -> {
            monitor.close();
            alerts.close();
        }, "vakt-run-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        // drills.schedule: scheduled war games, failed over by this monitor (no-op without a schedule).
        // With agents only the leading one runs them.
        var drills = no.vakt.drill.DrillScheduler.startFor(cfg, config.path(), journal, clock, alerts,
                LabNetworkFaults::forConfig, print).map(d -> d.onlyWhen(() -> gate.mayAct("scheduled drill")));
        var restoreDrills = no.vakt.drill.DrillScheduler.startRestoreFor(cfg, config.path(), journal, clock, alerts,
                cfg.backup().configured() ? BackupSetup.repository(cfg) : null, print)
                .map(d -> d.onlyWhen(() -> gate.mayAct("scheduled restore drill")));
        try {
            watch.start(); // the monitor, and the retry of a traffic switch left pending
            web.startForRun(print);
            // The CLI's promote, switchover, rejoin and traffic apply find this daemon's API here (no secret).
            if (web.address() != null) lock.advertise(web.url());
            // Other agents forward operator actions to this address while this agent leads (docs/ha.md).
            if (web.address() != null) coordinator.advertise(web.url());
            files.start();
            if (duration != null) {
                monitor.awaitClosed(duration);
            } else {
                while (!monitor.awaitClosed(Duration.ofHours(1))) {
                    // until closed by the shutdown hook
                }
            }
        } finally {
            adoption.ifPresent(AuthorityGained::close);
            backups.ifPresent(no.vakt.backup.BackupKeeper::close);
            web.close();
            drills.ifPresent(no.vakt.drill.DrillScheduler::close);
            restoreDrills.ifPresent(no.vakt.drill.DrillScheduler::close);
            watch.close(); // the traffic retry, then the monitor
            files.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // Already shutting down: the hook is running.
            }
        }
        return ExitCodes.OK;
    }

    private static void recovered(FailoverRunner.Recovery r, java.util.function.Consumer<String> print) {
        print.accept(r.plan().action() == RecoveryAction.LEFT_TO_OWNER
                ? "WARNING: failover " + r.plan().failoverId() + " is not adopted: " + r.plan().reason()
                : "recovered an interrupted failover: " + r.plan().action() + (r.record() == null ? ""
                        : " (failover " + r.record().id() + " " + r.record().label() + ")"));
    }

    /** Without {@code coordination:} the single monitor, with authority while it holds the journal's cluster lock. */
    private static Coordinator coordinator(VaktConfig cfg, ClusterLock lock, Clock clock) {
        return cfg.coordinationSection().<Coordinator>map(k -> ZooKeeperCoordinator.start(k, clock))
                .orElseGet(() -> new LocalCoordinator(ClusterLock.hostName(), lock::held, clock));
    }
}
