package no.vakt.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import no.vakt.backup.RepositoryProbe;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import no.vakt.backup.ArchiveTimeline;
import no.vakt.backup.BackupObservation;
import no.vakt.backup.ToolVersion;
import no.vakt.config.CronSchedule;
import no.vakt.config.Durations;
import no.vakt.config.VaktConfig;
import no.vakt.db.NodeState;

/**
 * With a backup: section: the tool that takes the backups must be here and be each server's version; the
 * repository must take a file; the newest backup no older than its schedule; the archive current and whole; a
 * restore drilled (docs/backup.md).
 */
final class BackupRules {
    /** The archive's lag beyond which it counts as lagging: the RPO, but never under this (a check is a snapshot). */
    static final Duration LAG_FLOOR = Duration.ofSeconds(30);
    /** A scheduled backup may take this long after its time before it counts as missed. */
    static final Duration SCHEDULE_SLACK = Duration.ofHours(1);
    private static final String WHERE = "backup repository";

    private BackupRules() {}

    static List<Finding> repository(VaktConfig config, Observations o) {
        if (!config.backup().configured() || o == null || o.backupRepository() == null) return List.of();
        RepositoryProbe.Result r = o.backupRepository();
        if (r.ok()) return List.of(Finding.ok("backup-repository", "backup repository", r.where() + " is reachable and writable"));
        return List.of(Finding.error("backup-repository", "backup repository", "cannot write a file into " + r.where() + ": " + r.problem(),
                "check backup.repository (host, path, bucket, credentials) and backup.encryption, then vakt check again"));
    }

    /** {@code backup-age}: a base backup no older than backup.schedule's period (and one at all). */
    static List<Finding> age(VaktConfig config, Observations o) {
        BackupObservation b = o == null ? null : o.backups();
        if (b == null) return List.of();
        if (b.newestBackup() == null) {
            return List.of(Finding.warning("backup-age", WHERE, "no base backup yet: nothing to restore from",
                    "vakt backup take on the standby's host (vakt run takes them on backup.schedule)"));
        }
        Duration age = Duration.between(b.newestBackup().finishedAt(), b.at());
        String schedule = config.backup().schedule();
        if (schedule == null) {
            return List.of(Finding.ok("backup-age", WHERE, "newest base backup " + b.newestBackup().id() + ", " + Durations.format(age)
                    + " old (no backup.schedule: taken by hand)"));
        }
        CronSchedule cron = CronSchedule.parse(schedule);
        ZonedDateTime next = cron.next(ZonedDateTime.ofInstant(b.at(), ZoneId.systemDefault()));
        Duration period = Duration.between(next, cron.next(next));
        if (age.compareTo(period.plus(SCHEDULE_SLACK)) <= 0) {
            return List.of(Finding.ok("backup-age", WHERE, "newest base backup " + b.newestBackup().id() + ", " + Durations.format(age)
                    + " old, within the schedule \"" + schedule + "\""));
        }
        return List.of(Finding.warning("backup-age", WHERE, "the newest base backup " + b.newestBackup().id() + " is " + Durations.format(age)
                        + " old, older than backup.schedule \"" + schedule + "\" (every " + Durations.format(period) + ") allows",
                "is vakt run running with this config (it takes the scheduled backups)? vakt backup take now"));
    }

    /** {@code backup-archive}: the binlog archive exists, has no gap a newer backup has not healed, and keeps up. */
    static List<Finding> archive(VaktConfig config, Observations o) {
        BackupObservation b = o == null ? null : o.backups();
        if (b == null) return List.of();
        if (b.timeline().isEmpty() || b.timeline().get().coveredAt() == null) {
            return List.of(Finding.warning("backup-archive", WHERE, "no continuous binlog archive: restores reach only the base backups",
                    "vakt run keeps it (or vakt backup archive --follow)"));
        }
        ArchiveTimeline t = b.timeline().get();
        if (t.brokenSince(b.newestBackup() == null ? null : b.newestBackup().finishedAt())) {
            return List.of(Finding.error("backup-archive", WHERE, "the binlog archive is broken since " + t.problemAt() + ": " + t.problem(),
                    "vakt backup take: restores from a backup after the break are whole again"));
        }
        Duration lag = Duration.between(t.coveredAt(), b.at());
        Duration limit = config.objectives().rpo().compareTo(LAG_FLOOR) > 0 ? config.objectives().rpo() : LAG_FLOOR;
        if (lag.compareTo(limit) > 0) {
            return List.of(Finding.warning("backup-archive", WHERE, "the binlog archive lags " + Durations.format(lag) + " (from "
                            + t.currentNode().orElse("?") + ", at GTID " + t.coveredGtid() + "), more than " + Durations.format(limit),
                    "is vakt run (the leader agent) running? Its log says why the archive does not stream"));
        }
        return List.of(Finding.ok("backup-archive", WHERE, "the binlog archive from " + t.currentNode().orElse("?") + " lags "
                + Durations.format(lag) + " (GTID " + t.coveredGtid() + ")"));
    }

    /** {@code restore-drill}: a restore was proven at least once (vakt drill --restore journals restore-drill). */
    static List<Finding> drilled(VaktConfig config, Observations o) {
        BackupObservation b = o == null ? null : o.backups();
        if (b == null) return List.of();
        if (b.lastRestoreDrill() == null) {
            return List.of(Finding.warning("restore-drill", WHERE, "no restore was ever drilled: the backups are not proven restorable",
                    "vakt drill --restore (restores the newest backup and the archive into a scratch server and compares)"));
        }
        return List.of(Finding.ok("restore-drill", WHERE, "last restore drill " + Durations.format(Duration.between(b.lastRestoreDrill(), b.at()))
                + " ago"));
    }

    static List<Finding> tool(VaktConfig config, Observations o) {
        if (!config.backup().configured() || o == null || o.backupTool() == null) return List.of();
        List<Finding> out = new ArrayList<>();
        for (NodeState s : o.nodes().filter(NodeState::reachable).toList()) {
            ToolVersion.Verdict v = ToolVersion.judge(o.backupTool(), s.version());
            Optional<String> problem = ToolVersion.problem(v);
            out.add(problem.isEmpty()
                    ? Finding.ok("backup-tool", s.node().name(), ToolVersion.PROGRAM + " " + ((ToolVersion.Matches) v).version()
                            + " matches the server")
                    : Finding.error("backup-tool", s.node().name(), problem.get(),
                            "apt-get install " + ToolVersion.PACKAGE + " (the server's version) on the host that runs vakt backup"));
        }
        return out;
    }
}
