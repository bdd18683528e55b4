package no.vakt.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import no.vakt.config.VaktConfig;
import no.vakt.drill.Drill;
import no.vakt.drill.DrillHistory;
import no.vakt.drill.Drills;
import no.vakt.drill.RestoreDrill;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalJson;
import no.vakt.lab.LabLayout;
import no.vakt.lab.LabNetworkFaults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "drill", header = "War game: a real fault, the measured RTO and RPO, a report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"War game: injects a real fault on the primary, lets Vakt's monitor fail over, and measures the"
                + " real RTO and RPO against the objectives, with a report (Markdown, HTML, JSON, SVG) and a journal entry.",
            "",
            "Refuses, changing nothing, on an unknown fault kind, a production cluster without"
                    + " --yes-this-is-production, a failover in progress, an active cooldown, or a preflight that is not"
                    + " ready. The failover is done by Vakt's monitor: by default the drill runs one in this process for"
                    + " the drill's length (refused while another monitor writes heartbeats); --monitor external leaves it"
                    + " to a running vakt run.",
            "Fault kinds: kill-db, stop-db (any lab or ssh-reachable node); block-ports, partition-monitor,"
                    + " isolate-primary (the lab with --netns, as root). Without --config the lab's config is used when"
                    + " there is no other.",
            "--restore: a restore drill (docs/backup.md): no fault, no failover; the standby's SQL thread pauses while it"
                    + " is compared."},
        footer = {"", "Exit codes: 0 the drill passed (or --history), 1 it failed or was refused, 2 bad config or usage."})
public final class DrillCommand implements Callable<Integer> {
    @Mixin
    ConfigAndJournal config;

    @Option(names = "--fault", paramLabel = "KIND", description = "kill-db, stop-db, block-ports, partition-monitor,"
            + " isolate-primary (default: drills.fault, else kill-db)")
    String fault;

    @Option(names = "--report", paramLabel = "DIR", description = "Report directory (default: .vakt/drills/<time>/ next to the config)")
    Path reportDir;

    @Option(names = "--yes-this-is-production", description = "Allow a drill on a cluster marked production: true")
    boolean production;

    @Option(names = "--monitor", paramLabel = "own|external", defaultValue = "own",
            description = "Who fails over: own (a monitor in this process, default) or external (a running vakt run)")
    Drill.MonitorMode monitor;

    @Option(names = "--rejoin", description = "After a failover, make the old primary a replica of the new one (vakt rejoin)")
    boolean rejoin;

    @Option(names = "--switch-back", description = "After --rejoin, switch the roles back (vakt switchover) so the next drill starts clean")
    boolean switchBack;

    @Option(names = "--discard-errant", description = "With --rejoin: let the old primary drop transactions the new one lacks"
            + " (saved to .vakt/errant/ first)")
    boolean discardErrant;

    @Option(names = "--restore", description = "A restore drill instead: the newest backup + the binlog archive into a scratch"
            + " server, compared with the standby at the same GTID; restore time and data age against the objectives")
    boolean restore;

    @Option(names = "--scratch", paramLabel = "DIR", description = "With --restore: where the scratch server's data goes"
            + " (default: in the report directory); removed after the drill")
    Path scratch;

    @Option(names = "--history", description = "List past drills from the journal instead of running one (with --json: machine-readable)")
    boolean history;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws Exception {
        Path configPath = configPath();
        if (config.explicit == null && !configPath.equals(config.path())) config.explicit = configPath;
        VaktConfig cfg = config.load();
        PrintWriter out = config.out();
        Path journalPath = config.journal();
        if (history) {
            List<DrillHistory.Entry> entries = Journal.readIfPresent(journalPath, Clock.systemUTC(), DrillHistory::read, List.of());
            if (json.on) {
                out.println(JournalJson.pretty(entries));
            } else {
                out.print(DrillHistory.table(entries));
            }
            out.flush();
            return ExitCodes.OK;
        }
        if (json.on) throw new UsageException("--json goes with --history");
        if (restore) {
            return config.withAlerts(Clock.systemUTC(), (c, journal, alerts) -> new RestoreDrill(c, configPath,
                    BackupSetup.repository(c), journal, Clock.systemUTC(), alerts, out)
                    .run(new RestoreDrill.Options(reportDir, scratch)).passed() ? ExitCodes.OK : ExitCodes.FAILED);
        }
        if (scratch != null) throw new UsageException("--scratch goes with --restore");
        if (switchBack && !rejoin) throw new UsageException("--switch-back needs --rejoin (the old primary must replicate first)");
        if (discardErrant && !rejoin) throw new UsageException("--discard-errant goes with --rejoin");
        String kind = fault != null ? fault : cfg.drills().fault();
        Clock clock = Clock.systemUTC();
        if (cfg.coordinationSection().isPresent() && monitor == Drill.MonitorMode.OWN) {
            // With agents only the leader acts: a drill's own monitor would fail over beside it (docs/ha.md).
            throw new UsageException("with coordination: the agents fail over, not the drill: use --monitor external"
                    + " (the drill's rejoin and switch-back go to the leading agent)");
        }
        // With its own monitor the drill fails over itself: it holds the cluster, and refuses beside vakt run. With
        // --monitor external the running vakt run (which holds it) does the acting.
        // Queued alerts (the drill's result among them) go out before the journal closes, the lock last.
        try (no.vakt.journal.ClusterLock lock = monitor == Drill.MonitorMode.OWN
                ? no.vakt.journal.ClusterLock.acquire(journalPath, "vakt drill") : null) {
            return config.withAlerts(clock, (c, journal, alerts) -> {
                Drill drill = Drills.create(c, configPath, journal, clock, out, alerts, LabNetworkFaults::forConfig);
                if (c.coordinationSection().isPresent()) drill.throughLeader(LeaderForward.forDrill(c, clock));
                Drill.Outcome outcome = drill.run(new Drill.Options(kind, reportDir, production, false, monitor, rejoin, switchBack, discardErrant));
                out.flush();
                return outcome.refused() || !outcome.report().passed() ? ExitCodes.FAILED : ExitCodes.OK;
            });
        }
    }

    /** The usual search; when it finds nothing, the lab's config (the drill's home ground). */
    private Path configPath() {
        Path located = config.path();
        if (config.explicit != null || Files.exists(located)) return located;
        Path lab = LabLayout.DEFAULT_DIR.resolve("vakt.yml");
        return Files.exists(lab) ? lab : located;
    }
}
