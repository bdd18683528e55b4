package no.vakt.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import no.vakt.backup.ArchiveLag;
import no.vakt.backup.ArchiveStatus;
import no.vakt.backup.ContinuousArchive;
import no.vakt.backup.BackupFailedException;
import no.vakt.backup.BackupSource;
import no.vakt.backup.BackupVerifier;
import no.vakt.backup.BaseBackup;
import no.vakt.backup.BinlogArchive;
import no.vakt.backup.Manifest;
import no.vakt.backup.Repository;
import no.vakt.config.Durations;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vakt backup take|list|verify|archive} (docs/backup.md). */
@Command(name = "backup", header = "Take, list and verify base backups; archive the binlogs", mixinStandardHelpOptions = true,
        description = "Base backups and the binlog archive in backup.repository (docs/backup.md).",
        subcommands = {BackupCommand.Take.class, BackupCommand.ListBackups.class, BackupCommand.Verify.class, BackupCommand.Archive.class,
            BackupCommand.Prune.class})
public final class BackupCommand extends CommandGroup {
    @Command(name = "take", mixinStandardHelpOptions = true,
            description = "Takes a base backup with mariadb-backup from the standby (from the primary when the standby does not"
                    + " replicate cleanly, and says so): compressed, checksummed, with a manifest. Runs on the chosen server's host.",
            footer = {"", "Exit codes: 0 taken, 1 failed, 2 bad config or usage."})
    static final class Take implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() throws Exception {
            VaktConfig cfg = config.load();
            PrintWriter out = config.out();
            NodeState[] states = BackupSetup.observe(cfg);
            Optional<BackupSource.Choice> source = BackupSource.choose(states[0], states[1]);
            if (source.isEmpty()) {
                out.println("backup: neither server answers: nothing to back up from");
                return ExitCodes.FAILED;
            }
            BackupSource.Choice c = source.get();
            if (!c.note().isEmpty()) out.println("backup: " + c.note());
            try {
                Manifest m = new BaseBackup(BackupSetup.section(cfg), BackupSetup.repository(cfg), Clock.systemUTC())
                        .take(c, c.state().node().mysql().secret().resolve());
                out.println("backup: " + m.id() + " from " + m.node() + " (" + m.sourceRole() + ") at GTID " + m.gtidEnd() + ", "
                        + m.files().get(0).bytes() + " bytes stored" + (m.encryption().equals("none") ? "" : " (" + m.encryption() + ")") + ", "
                        + Durations.format(Duration.between(m.startedAt(), m.finishedAt())));
                return ExitCodes.OK;
            } catch (BackupFailedException e) {
                out.println("backup: failed: " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the base backups in the repository, oldest first.")
    static final class ListBackups implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() throws Exception {
            List<Manifest> all = Manifest.all(BackupSetup.repository(config.load()));
            PrintWriter out = config.out();
            if (all.isEmpty()) out.println("No base backups yet: vakt backup take.");
            for (Manifest m : all) {
                out.printf("%-17s %-12s %-8s GTID %-20s %12d bytes  %s  %s%n", m.id(), m.node(), m.sourceRole(), m.gtidEnd(),
                        m.files().get(0).bytes(), m.finishedAt(), m.encryption());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Checks a backup's checksums and prepares a scratch copy with mariadb-backup --prepare.",
            footer = {"", "Exit codes: 0 restorable, 1 not, 2 bad config or usage."})
    static final class Verify implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Parameters(arity = "0..1", paramLabel = "ID", description = "The backup (default: the newest).")
        String id;

        @Option(names = "--scratch", paramLabel = "DIR", description = "Where the scratch copy goes (default: the system's temp directory).")
        Path scratch;

        @Override
        public Integer call() throws Exception {
            VaktConfig cfg = config.load();
            Repository repo = BackupSetup.repository(cfg);
            Manifest m = pick(repo, id);
            PrintWriter out = config.out();
            try {
                new BackupVerifier(repo, BackupSetup.section(cfg).timeout())
                        .verify(m, scratch != null ? scratch : Path.of(System.getProperty("java.io.tmpdir")));
                out.println("backup " + m.id() + ": checksums match and it prepares: restorable");
                return ExitCodes.OK;
            } catch (BackupFailedException e) {
                out.println("backup " + m.id() + ": NOT restorable: " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }
    }

    @Command(name = "archive", mixinStandardHelpOptions = true,
            description = "Copies the live primary's binary logs into the repository (mariadb-binlog --read-from-remote-server"
                    + " --raw). Once, or with --follow as a stream (--stop-never) until Ctrl-C: restarted when it ends, following"
                    + " the live primary after a failover from the last archived GTID, a purge gap reported.",
            footer = {"", "Exit codes: 0 archived, 1 failed, 2 bad config or usage."})
    static final class Archive implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--follow", description = "Keep archiving until Ctrl-C.")
        boolean follow;

        @Option(names = "--every", paramLabel = "DURATION", defaultValue = "1s", description = "How often --follow checks the roles and measures the lag (default: ${DEFAULT-VALUE}).")
        Duration every;

        @Override
        public Integer call() throws Exception {
            VaktConfig cfg = config.load();
            PrintWriter out = config.out();
            Clock clock = Clock.systemUTC();
            if (follow) return follow(cfg, out, clock);
            BinlogArchive archive = new BinlogArchive(BackupSetup.repository(cfg), BackupSetup.inspector(cfg), clock,
                    BackupSetup.section(cfg).timeout());
            NodeState[] states = BackupSetup.observe(cfg);
            NodeState primary = BackupSource.livePrimary(states[0], states[1]);
            try {
                BinlogArchive.Synced last = archive.sync(primary.node(), primary.node().mysql().secret().resolve());
                out.println("archive: " + last.node() + " " + String.join(", ", last.files()) + " up to GTID " + last.gtidCovered()
                        + "; lag " + Durations.format(ArchiveLag.of(last, clock.instant()).lag()));
            } catch (BackupFailedException e) {
                out.println("archive: failed: " + e.getMessage());
                return ExitCodes.FAILED;
            }
            return ExitCodes.OK;
        }

        /** The stream (mariadb-binlog --stop-never) kept running from the live primary until Ctrl-C; a line per change. */
        private int follow(VaktConfig cfg, PrintWriter out, Clock clock) throws Exception {
            Duration round = DurationConverter.positive("--every", every);
            try (ContinuousArchive archive = new ContinuousArchive(BackupSetup.repository(cfg), BackupSetup.inspector(cfg), clock,
                    BackupSetup.section(cfg).timeout(), s -> {})) {
                String said = "";
                Instant lagSaid = Instant.MIN;
                while (true) {
                    NodeState[] states = BackupSetup.observe(cfg);
                    NodeState primary = BackupSource.livePrimary(states[0], states[1]);
                    ArchiveStatus s = archive.tick(primary.node(), primary.node().mysql().secret().resolve());
                    String now = s.state() + " " + s.node() + " " + s.detail();
                    if (!now.equals(said) || Duration.between(lagSaid, clock.instant()).toSeconds() >= 60) {
                        out.println("archive: " + s.state().name().toLowerCase() + " from " + s.node() + ", lag "
                                + describe(s.lag(clock.instant())) + " (GTID " + s.coveredGtid() + ")"
                                + (s.detail().isEmpty() ? "" : ": " + s.detail()));
                        out.flush();
                        said = now;
                        lagSaid = clock.instant();
                    }
                    Thread.sleep(round.toMillis());
                }
            }
        }

        private static String describe(ArchiveLag lag) {
            return lag.archivedAnything() ? Durations.format(lag.lag()) : "unknown (nothing archived yet)";
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = "Removes the base backups backup.retention lets go (all but the newest keep, unless younger than days),"
                    + " then the archived binlogs older than the oldest backup kept.")
    static final class Prune implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--dry-run", description = "Only list what would be removed.")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            VaktConfig cfg = config.load();
            Repository repo = BackupSetup.repository(cfg);
            PrintWriter out = config.out();
            List<String> removed = no.vakt.backup.ArchivePrune.run(repo, BackupSetup.section(cfg).retention(), Clock.systemUTC().instant(), dryRun);
            for (String r : removed) out.println((dryRun ? "would remove " : "removed ") + r);
            if (removed.isEmpty()) out.println("Nothing to remove: retention keeps every backup.");
            return ExitCodes.OK;
        }
    }

    /** Backup {@code id}, or the newest when null. */
    static Manifest pick(Repository repo, String id) throws java.io.IOException {
        List<Manifest> all = Manifest.all(repo);
        if (all.isEmpty()) throw new UsageException("no base backups in " + repo.describe() + ": vakt backup take first");
        if (id == null) return all.get(all.size() - 1);
        return all.stream().filter(m -> m.id().equals(id)).findFirst()
                .orElseThrow(() -> new UsageException("no backup " + id + " in " + repo.describe() + " (vakt backup list)"));
    }

}
