package no.vakt.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import no.vakt.alert.AlertDispatcher;
import no.vakt.config.VaktConfig;
import no.vakt.filesync.FileSyncService;
import no.vakt.filesync.LiveDirection;
import no.vakt.filesync.Receiver;
import no.vakt.filesync.StatusFile;
import no.vakt.filesync.SyncDirection;
import no.vakt.journal.Journal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sync", header = "File sync: one full reconcile, or live with --watch", mixinStandardHelpOptions = true,
        description = "File sync: copies the files: directories from the current source node (read locally: run it"
                + " where the source directories are) to the other node over ssh. Without --watch: one full"
                + " reconcile (rsync -a --delete) and exit. With --watch: watches the directories (inotify) and"
                + " pushes each change within files.coalesce through one long-lived ssh session, with a full"
                + " reconcile at start, every files.full-sync-interval and after lost events, until Ctrl-C."
                + " The direction comes from the journal: after a failover nothing is pushed until `vakt rejoin`."
                + " Deletions are held back when the source is missing, empty or not mounted, or would remove"
                + " more than files.max-delete-percent of the target's files within files.delete-window; they stay"
                + " held (for every Vakt process) until --no-delete-guard or the source has the files again."
                + " A directory whose path the config now gives to the other node than recorded is refused."
                + " Alerts go to the configured alerts: channels.",
        footer = {"", "Exit codes: 0 in sync, 1 failed, deletions held back or a directory refused, 2 bad config or usage."})
public final class SyncCommand implements Callable<Integer> {
    @Mixin
    ConfigAndJournal config;

    @Option(names = "--watch", description = "Keep watching and pushing changes until Ctrl-C.")
    boolean watch;

    @Option(names = "--no-delete-guard", description = "Propagate deletions even when the delete guard would hold them"
            + " back, and release a hold (also for a running vakt run).")
    boolean noDeleteGuard;

    @Option(names = "--receive", paramLabel = "DIR", hidden = true,
            description = "Run the receiver on this node (started over ssh by the sending side).")
    Path receiveDir;

    @Option(names = "--duration", paramLabel = "DURATION", hidden = true, description = "Stop --watch after this long (tests).")
    Duration duration;

    @Override
    public Integer call() throws Exception {
        if (receiveDir != null) {
            // stdout belongs to the protocol from here on.
            Receiver.main(new String[] {receiveDir.toString()});
            return ExitCodes.OK;
        }
        VaktConfig cfg = config.load();
        if (!cfg.files().enabled()) throw new UsageException("no files.directories in " + config.path() + ": nothing to sync");
        PrintWriter out = config.out();
        Consumer<String> print = line -> {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        };
        Clock clock = Clock.systemUTC();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = null;
        if (watch) {
            // SIGTERM / Ctrl-C: let the service close (receiver sessions, status file) and the queued alerts go
            // out (the dispatcher waits up to 10 s) before the JVM halts.
            hook = new Thread(() -> {
                stop.countDown();
                try {
                    stopped.await(15, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    // Halting anyway.
                }
            }, "vakt-sync-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        // The configured alert channels, as vakt run has them: a held-back deletion is news wherever file sync runs.
        try {
            return config.withAlerts(clock, (c, journal, alerts) -> sync(c, journal, alerts, clock, print, stop));
        } finally {
            stopped.countDown();
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // Shutting down already.
                }
            }
        }
    }

    private int sync(VaktConfig cfg, Journal journal, AlertDispatcher alerts, Clock clock, Consumer<String> print,
            CountDownLatch stop) throws Exception {
        if (!watch) {
            SyncDirection d = LiveDirection.of(cfg, journal, clock, print).get();
            List<String> problems = FileSyncService.syncOnce(cfg, config.path(), d, clock, alerts, noDeleteGuard, print);
            problems.forEach(p -> print.accept("problem: " + p));
            print.accept(problems.isEmpty() ? "in sync: " + d.source() + " -> " + d.target() : "NOT in sync");
            return problems.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
        }
        Path status = StatusFile.forConfig(config.path());
        Files.createDirectories(status.getParent());
        try (FileSyncService service = new FileSyncService(cfg, config.path(), LiveDirection.of(cfg, journal, clock, print),
                clock, alerts, print, noDeleteGuard)) {
            service.start();
            if (duration != null) stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            else stop.await();
        }
        return ExitCodes.OK;
    }
}
