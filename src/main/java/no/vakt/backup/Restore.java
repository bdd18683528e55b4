package no.vakt.backup;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import no.vakt.process.BoundedProcess;
import no.vakt.process.Programs;

/**
 * {@code vakt restore}: the base backup unpacked and prepared into a new data directory, a mariadbd
 * started on it, and the archived binlogs replayed from the backup's GTID position to the target
 * ({@link RestoreTarget}). The replay goes through {@code mariadb-binlog} to SQL text, then the
 * {@code mariadb} client over the scratch server's socket.
 */
public final class Restore {
    private final Repository repository;
    private final Duration timeout;

    public Restore(Repository repository, Duration timeout) {
        this.repository = repository;
        this.timeout = timeout;
    }

    /**
     * What was restored: the backup, up to where, (for --before) the transaction left out, the GTID
     * position the restored server holds (its {@code gtid_slave_pos}), and the commit time of the newest
     * transaction it holds (the backup's end when the archive added none).
     */
    public record Outcome(String backupId, RestoreTarget target, Optional<StopBefore.Cut> leftOut, String gtidPosition,
            Instant newestTransaction) {}

    /**
     * Restores backup {@code base} plus the archive into {@code server}'s new data directory; the server is left
     * stopped. The archive is {@code archiveNode}'s alone when named, else stitched across the nodes ({@link ArchiveReplay}).
     */
    public Outcome run(Manifest base, String archiveNode, RestoreTarget target, ScratchServer server)
            throws IOException, InterruptedException, BackupFailedException {
        Outcome o = runKeepingServer(base, archiveNode, target, server);
        server.stop(timeout);
        return o;
    }

    /** As {@link #run}, the server left running for the replay (socket only, no grants): the restore drill's compare. */
    public Outcome runKeepingServer(Manifest base, String archiveNode, RestoreTarget target, ScratchServer server)
            throws IOException, InterruptedException, BackupFailedException {
        new Unpacker(repository, timeout).unpackPrepared(base, server.dataDir());
        server.startForReplay(timeout);
        try {
            Replayed r = replay(archiveNode, base.gtidEnd(), target, server);
            Instant newest = r.newestEvent() != null ? r.newestEvent() : base.finishedAt();
            return new Outcome(base.id(), target, r.cut(), r.position(), newest);
        } catch (IOException | BackupFailedException | InterruptedException | RuntimeException e) {
            server.stop(timeout);
            throw e;
        }
    }

    /**
     * Replays more of the archive into a server {@link #runKeepingServer} left running, from where it stands
     * ({@code from}) up to {@code to} inclusive; the new position.
     */
    public String catchUp(String archiveNode, String from, String to, ScratchServer server)
            throws IOException, InterruptedException, BackupFailedException {
        return replay(archiveNode, from, new RestoreTarget.ToGtid(to), server).position();
    }

    private record Replayed(Optional<StopBefore.Cut> cut, String position, Instant newestEvent) {}

    private Replayed replay(String archiveNode, String from, RestoreTarget target, ScratchServer server)
            throws IOException, InterruptedException, BackupFailedException {
        Path work = Files.createTempDirectory(server.dataDir().getParent(), "vakt-replay-");
        try {
            Path sql = work.resolve("replay.sql");
            if (!new ArchiveReplay(repository, timeout).decode(from, archiveNode, target, work, sql)) {
                setSlavePos(server, from);
                return new Replayed(Optional.empty(), from, null);
            }
            Optional<StopBefore.Cut> cut = Optional.empty();
            if (target instanceof RestoreTarget.Before b) cut = Optional.of(cutBefore(sql, b.fragment()));
            ReplayedPosition.Point point;
            try (BufferedReader r = Files.newBufferedReader(sql, StandardCharsets.UTF_8)) {
                point = ReplayedPosition.of(from, r.lines().iterator(), Long.MAX_VALUE);
            }
            Tools.run("mariadb (binlog replay)", BoundedProcess.Request.of(List.of(Programs.require("mariadb", "mariadb-client"),
                    "--no-defaults", "--socket=" + server.socket(), "--user=root", "--binary-mode"), timeout).readingFrom(sql));
            setSlavePos(server, point.gtids());
            return new Replayed(cut, point.gtids(), point.newestEvent());
        } finally {
            BaseBackup.deleteTree(work);
        }
    }

    /** The replay ran without a binary log: the server learns its position here, so it can replicate from it. */
    private static void setSlavePos(ScratchServer server, String position) throws BackupFailedException {
        try (Connection c = server.connect(); PreparedStatement s = c.prepareStatement("SET GLOBAL gtid_slave_pos = ?")) {
            s.setString(1, position);
            s.execute();
        } catch (SQLException e) {
            throw new BackupFailedException("cannot set gtid_slave_pos = '" + position + "' on the restored server: " + e.getMessage());
        }
    }

    /**
     * Whose archived binlogs go with {@code base}: null for the archive stitched across the nodes (a
     * binlog-timeline.json, {@link ArchiveReplay}); else its own node's when archived (or nothing is), else the
     * only archived node; several others need the operator to name one.
     */
    public String archiveNodeFor(Manifest base) throws IOException, BackupFailedException {
        if (ArchiveTimeline.read(repository).isPresent()) return null; // the stitched archive
        List<String> nodes = new ArchivedBinlogs(repository).nodes();
        if (nodes.contains(base.node()) || nodes.isEmpty()) return base.node();
        if (nodes.size() == 1) return nodes.get(0);
        throw new BackupFailedException("the archive holds binlogs of " + nodes + ": name one with --archive-node");
    }

    /** Keeps the SQL text before the matching transaction. */
    private static StopBefore.Cut cutBefore(Path sql, String fragment) throws IOException, BackupFailedException {
        StopBefore.Cut cut;
        try (BufferedReader r = Files.newBufferedReader(sql, StandardCharsets.UTF_8)) {
            cut = StopBefore.find(r.lines().iterator(), fragment).orElseThrow(() -> new BackupFailedException(
                    "no event after the backup matches \"" + fragment + "\": nothing to stop before"));
        }
        Path kept = sql.resolveSibling("kept.sql");
        try (BufferedReader r = Files.newBufferedReader(sql, StandardCharsets.UTF_8);
                BufferedWriter w = Files.newBufferedWriter(kept, StandardCharsets.UTF_8)) {
            for (long i = 0; i < cut.line(); i++) {
                w.write(r.readLine());
                w.newLine();
            }
            // The text was cut between two events: close what mariadb-binlog would have closed at its end.
            w.write("ROLLBACK /*!*/;\nDELIMITER ;\n");
        }
        Files.move(kept, sql, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return cut;
    }
}
