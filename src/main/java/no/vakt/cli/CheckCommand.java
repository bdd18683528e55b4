package no.vakt.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import no.vakt.check.CanaryProbe;
import no.vakt.check.CheckReport;
import no.vakt.check.Observations;
import no.vakt.check.PreflightProbe;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeInspector;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vakt check}: the preflight. Exit 0 when ready (warnings allowed), 1 when not, 2 on bad usage/config. */
@Command(name = "check", header = "Is the pair ready for disaster? Each finding with its fix", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Preflight: is the primary/standby pair ready for disaster recovery?",
            "Reads both servers and judges the live roles (the writable node that replicates from nobody is the"
                    + " primary, whatever the config's role: fields say, as after a failover and rejoin or a"
                    + " switchover), then proves replication end to end: writes one row to vakt.canary on the live"
                    + " primary (creating the vakt schema if missing) and waits for it on the standby.",
            "Every finding has a severity and, when something is wrong, the exact fix. --json prints"
                    + " {\"ready\": ..., \"findings\": [...]} instead of a table. The journal is read (never created)"
                    + " only when the servers cannot tell which node is the primary: its last promotion decides."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ready (no errors; warnings allowed)", "1:not ready", "2:bad usage or config"})
public final class CheckCommand implements Callable<Integer> {
    @Mixin
    ConfigAndJournal config;

    @Mixin
    JsonOption json;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Connect and query timeout per node (default: ${DEFAULT-VALUE}).", defaultValue = "3s")
    Duration timeout;

    @Option(names = "--canary-timeout", paramLabel = "DURATION",
            description = "How long to wait for the canary on the standby (default: the larger of 5s and the RPO).")
    Duration canaryTimeout;

    @Option(names = "--no-canary", description = "Write nothing; replication is then not proven end to end.")
    boolean noCanary;

    @Override
    public Integer call() {
        VaktConfig c = config.load();
        if (timeout.isZero() || timeout.isNegative()) throw new UsageException("--timeout must be positive");
        Duration bound = noCanary ? null : canaryTimeout != null ? canaryTimeout : max(Duration.ofSeconds(5), c.objectives().rpo());
        NodeInspector inspector = new NodeInspector(timeout);
        Path journal = config.journal();
        Observations observations = new PreflightProbe(inspector, new CanaryProbe(inspector, Clock.systemUTC()),
                () -> lastPromoted(journal)).observe(c, bound);
        if (c.backup().configured()) observations = observations.withBackups(backups(c, journal));
        CheckReport report = CheckReport.of(c, observations);
        var out = config.out();
        if (json.on) {
            out.println(report.json());
        } else {
            // The live roles: the live-roles finding says when they differ from the config's role: fields.
            var p = observations.primary().node();
            var s = observations.standby().node();
            out.printf("vakt check: cluster %s, primary %s (%s), standby %s (%s)%n%n", c.cluster(),
                    p.name(), p.mysql().address(), s.name(), s.mysql().address());
            out.print(report.table());
        }
        out.flush();
        return report.ready() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /**
     * The node the journal last promoted, as vakt promote and vakt run read it; empty without a journal (a
     * preflight never creates one). An unreadable journal is said on stderr and left out: it only breaks a tie
     * in the live roles, and the rest of the preflight is worth more than a stack trace.
     */
    private Optional<String> lastPromoted(Path file) {
        try {
            return Journal.readIfPresent(file, Clock.systemUTC(), Journal::epochHolder, Optional.empty());
        } catch (JournalException e) {
            config.err().println("vakt check: " + e.getMessage() + "; the live roles are settled"
                    + " without the journal's last promotion");
            return Optional.empty();
        }
    }

    /** The repository's newest backup and archive, the journal's last restore drill (read, never created). */
    private no.vakt.backup.BackupObservation backups(VaktConfig c, Path journal) {
        Clock clock = Clock.systemUTC();
        java.time.Instant drill = null;
        try {
            drill = Journal.readIfPresent(journal, clock, j -> j.latest(no.vakt.journal.EventKind.RESTORE_DRILL, c.cluster())
                    .map(e -> e.at()), Optional.<java.time.Instant>empty()).orElse(null);
        } catch (JournalException e) {
            config.err().println("vakt check: " + e.getMessage() + "; the last restore drill is not known");
        }
        try {
            return no.vakt.backup.BackupObservation.read(BackupSetup.repository(c), drill, clock.instant());
        } catch (java.io.IOException e) {
            config.err().println("vakt check: cannot read the backup repository: " + e.getMessage());
            return null;
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
