package no.vakt.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import no.vakt.backup.BackupFailedException;
import no.vakt.backup.Manifest;
import no.vakt.backup.Repository;
import no.vakt.backup.Restore;
import no.vakt.backup.RestoreTarget;
import no.vakt.backup.ScratchServer;
import no.vakt.cluster.Sleeper;
import no.vakt.config.BackupConfig;
import no.vakt.config.VaktConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vakt restore}: a base backup plus the binlog archive onto a scratch server this command starts. */
@Command(name = "restore", header = "Restore a backup and the binlog archive to a point in time", mixinStandardHelpOptions = true,
        description = "Unpacks and prepares the newest base backup (or --backup ID) into a new directory, replays the archived"
                + " binlogs to the latest point, --to-time, --to-gtid, or just --before the first event matching a statement"
                + " fragment, then starts mariadbd on it at --host:--port and leaves it running. Never touches the live servers.",
        footer = {"", "Exit codes: 0 restored and running, 1 failed, 2 bad config or usage."})
public final class RestoreCommand implements Callable<Integer> {
    @Mixin
    ConfigAndJournal config;

    @Option(names = "--backup", paramLabel = "ID", description = "The base backup (default: the newest).")
    String backupId;

    @Option(names = "--into", paramLabel = "DIR", description = "A new directory for the restored server (its data, socket, log);"
            + " not with --in-place.")
    Path into;

    @Option(names = "--new-host", description = "On a new machine (run there, the repository reachable): the server gets a binary"
            + " log and --server-id, and DIR/my.cnf to restart it with, ready for vakt replicate.")
    boolean newHost;

    @Option(names = "--server-id", paramLabel = "N", description = "With --new-host: its server_id (unique in the cluster).")
    Integer serverId;

    @Option(names = "--in-place", paramLabel = "NODE", description = "Replace NODE's data directory (--datadir) with the restore;"
            + " refused while NODE's mariadbd answers. Needs --yes-replace-data.")
    String inPlace;

    @Option(names = "--datadir", paramLabel = "DIR", description = "With --in-place: NODE's data directory (the old data is kept"
            + " beside it as DIR.vakt-old-TIME).")
    Path datadir;

    @Option(names = "--yes-replace-data", description = "Confirms --in-place.")
    boolean replaceConfirmed;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "Where it listens (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "3307", description = "Its port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--archive-node", paramLabel = "NODE", description = "Replay only this node's archived binlogs (default: the archive"
            + " stitched across failovers; for an archive without binlog-timeline.json the backup's node, else the only one).")
    String archiveNode;

    @ArgGroup(exclusive = true)
    Target target;

    static final class Target {
        @Option(names = "--to-time", paramLabel = "INSTANT", description = "Stop at the first event at or after this UTC time (2026-12-07T10:15:00Z).")
        String toTime;

        @Option(names = "--to-gtid", paramLabel = "GTID", description = "Stop after this GTID (inclusive).")
        String toGtid;

        @Option(names = "--before", paramLabel = "FRAGMENT", description = "Stop just before the transaction of the first event matching this, e.g. \"DROP TABLE orders\".")
        String before;

        RestoreTarget resolve() {
            if (toGtid != null) return new RestoreTarget.ToGtid(toGtid);
            if (before != null) return new RestoreTarget.Before(before);
            try {
                return new RestoreTarget.ToTime(Instant.parse(toTime));
            } catch (DateTimeParseException e) {
                throw new UsageException("--to-time: expected a UTC instant like 2026-12-07T10:15:00Z; got " + toTime);
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        VaktConfig cfg = config.load();
        BackupConfig section = BackupSetup.section(cfg);
        Repository repo = BackupSetup.repository(cfg);
        Manifest base = BackupCommand.pick(repo, backupId);
        RestoreTarget to = target == null ? new RestoreTarget.Latest() : target.resolve();
        PrintWriter out = config.out();
        Restore restore = new Restore(repo, section.timeout());
        if (inPlace != null) return InPlace.run(this, cfg, restore, base, to, out);
        if (into == null) throw new UsageException("--into DIR is required (or --in-place NODE --datadir DIR)");
        if (newHost != (serverId != null)) throw new UsageException("--new-host and --server-id go together");
        Path home = into.toAbsolutePath();
        ScratchServer server = new ScratchServer(home, Clock.systemUTC(), Sleeper.REAL);
        try {
            String node = archiveNode != null ? archiveNode : restore.archiveNodeFor(base);
            ScratchServer.prepareHome(home);
            Restore.Outcome o = restore.run(base, node, to, server);
            o.leftOut().ifPresent(c -> out.println("restore: stopped before transaction " + c.gtid() + ": " + c.matched()));
            if (newHost) {
                server.startAsNewHost(host, port, serverId, section.timeout());
            } else {
                server.startServing(host, port, section.timeout());
            }
            out.println("restore: backup " + o.backupId() + " + the archive" + (node == null ? "" : " of " + node) + " restored into " + home
                    + "; mariadbd runs on " + host + ":" + port + " (pid file " + server.pidFile() + ")");
            out.println("restore: gtid_slave_pos is " + (o.gtidPosition().isEmpty() ? "empty" : o.gtidPosition())
                    + ": vakt replicate can make it a replica from there");
            if (newHost) out.println("restore: a new host: restart it with mariadbd --defaults-file=" + server.myCnf()
                    + "; add it to vakt.yml as a node, then vakt replicate");
            return ExitCodes.OK;
        } catch (BackupFailedException e) {
            out.println("restore: failed: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }


}
