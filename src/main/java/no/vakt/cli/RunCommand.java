package no.vakt.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import no.vakt.alert.LoggingAlertSink;
import no.vakt.config.Durations;
import no.vakt.config.VaktConfig;
import no.vakt.detect.AlertingFailoverTrigger;
import no.vakt.detect.FailoverTrigger;
import no.vakt.failover.AutomaticFailover;
import no.vakt.failover.FailoverRunner;
import no.vakt.filesync.FileSync;
import no.vakt.traffic.LoggingTrafficSwitch;
import no.vakt.detect.Monitor;
import no.vakt.journal.Journal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the monitor: probes the live primary every policy.checks.interval, inspects the standby,"
                + " writes the heartbeat on the primary, and prints every change of the primary's health with its"
                + " evidence (also logged and journaled). The primary counts as DOWN only when the monitor missed"
                + " checks.failures probes in a row AND the standby lost it too; when only the monitor lost it,"
                + " that is UNREACHABLE_FROM_MONITOR: an alert, never a failover. Runs until SIGTERM or Ctrl-C.",
        footer = {"", "Exit codes: 0 stopped normally, 1 failed, 2 bad config or usage."})
public final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(names = "--journal", paramLabel = "FILE",
            description = "The journal (default: .vakt/journal.db next to the config file).")
    Path journalFile;

    @Option(names = "--duration", paramLabel = "DURATION", hidden = true, description = "Stop after this long (tests).")
    String durationText;

    @Override
    public Integer call() throws InterruptedException {
        VaktConfig cfg = config.load();
        Duration duration = durationText == null ? null : duration(durationText);
        Path journalPath = journalFile != null ? journalFile
                : config.path().toAbsolutePath().getParent().resolve(".vakt/journal.db");
        PrintWriter out = spec.commandLine().getOut();
        Clock clock = Clock.systemUTC();
        try (Journal journal = new Journal(journalPath, clock)) {
            LoggingAlertSink alerts = new LoggingAlertSink();
            java.util.function.Consumer<String> print = line -> {
                synchronized (out) {
                    out.println(line);
                    out.flush();
                }
            };
            FileSync files = FileSync.forDaemon(cfg, journal, config.path(), clock, alerts, print);
            FailoverRunner runner = new FailoverRunner(cfg, journal, clock, alerts, new LoggingTrafficSwitch(),
                    files.director());
            // A failover a crash left half-done is finished or safely stopped before watching again.
            runner.resumeUnfinished().ifPresent(r -> print.accept("recovered an interrupted failover: "
                    + r.plan().action() + (r.record() == null ? "" : " (failover " + r.record().id() + " "
                    + r.record().outcome().label() + ")")));
            Monitor[] self = new Monitor[1];
            FailoverTrigger trigger = new AutomaticFailover(cfg, runner,
                    new AlertingFailoverTrigger(cfg.cluster(), alerts, journal),
                    () -> self[0].lastHeartbeatWritten(), print);
            Monitor monitor = new Monitor(cfg, journal, trigger, alerts, clock, print);
            self[0] = monitor;
            // SIGTERM / Ctrl-C: stop probing and finish the current tick before the JVM exits.
            Thread hook = new Thread(monitor::close, "vakt-run-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                monitor.start();
                files.start();
                if (duration != null) {
                    monitor.awaitClosed(duration);
                } else {
                    while (!monitor.awaitClosed(Duration.ofHours(1))) {
                        // until closed by the shutdown hook
                    }
                }
            } finally {
                monitor.close();
                files.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // Already shutting down: the hook is running.
                }
            }
        }
        return ExitCodes.OK;
    }

    private static Duration duration(String text) {
        try {
            Duration d = Durations.parse(text);
            if (d.isZero()) throw new UsageException("--duration: expected a positive duration");
            return d;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--duration: " + e.getMessage());
        }
    }
}
