package no.vakt.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import no.vakt.config.Node;
import no.vakt.db.DbSession;
import no.vakt.db.NodeInspector;
import no.vakt.process.BoundedProcess;
import no.vakt.process.Programs;
import no.vakt.replication.ClientDefaultsFile;
import no.vakt.replication.ClientToolTls;

/**
 * The binlog archive: the live primary's binary logs copied byte for byte into the repository
 * ({@code binlog/NODE/mysql-bin.000007}) with {@code mariadb-binlog --read-from-remote-server --raw}, over
 * the replication protocol. Each {@link #sync} copies what is new since the last, as the stream does
 * ({@link SpoolUploader}): the files rotated since whole, the active one's new events as a chunk. Everything the primary had written when a sync began is
 * archived when it returns, which gives the lag ({@link ArchiveLag}).
 */
public final class BinlogArchive {
    private final Repository repository;
    private final NodeInspector inspector;
    private final Clock clock;
    private final Duration timeout;

    public BinlogArchive(Repository repository, NodeInspector inspector, Clock clock, Duration timeout) {
        this.repository = repository;
        this.inspector = inspector;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** What one sync covered: every transaction the primary had committed at {@code coveredAt}. */
    public record Synced(String node, List<String> files, String gtidCovered, Instant coveredAt) {}

    /** Where the whole (rotated) binlogs are; the active one's chunks are under {@link ArchiveChunk#PREFIX}. */
    static final String PREFIX = "binlog";

    public static String prefix(String node) {
        return PREFIX + "/" + node;
    }

    /** Copies the primary's new binlog bytes into the repository. */
    public Synced sync(Node primary, String password) throws IOException, InterruptedException, BackupFailedException {
        Instant coveredAt = clock.instant();
        List<String> onServer = new ArrayList<>();
        String gtid;
        String applied;
        try (DbSession db = inspector.open(primary); Statement s = db.connection().createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT @@gtid_binlog_pos, @@gtid_slave_pos")) {
                r.next();
                gtid = r.getString(1);
                applied = r.getString(2) == null ? "" : r.getString(2);
            }
            try (ResultSet r = s.executeQuery("SHOW BINARY LOGS")) {
                while (r.next()) onServer.add(r.getString(1));
            }
        } catch (SQLException e) {
            throw new BackupFailedException("cannot list the binary logs of " + primary.name() + ": " + e.getMessage());
        }
        if (onServer.isEmpty()) throw new BackupFailedException(primary.name() + " has no binary log (log_bin is off)");
        String first = firstToFetch(onServer, archived(primary.name()));
        Path spool = Files.createTempDirectory("vakt-binlog-");
        try (ClientDefaultsFile auth = ClientDefaultsFile.write(primary.mysql().user(), password)) {
            List<String> argv = new ArrayList<>(List.of(Programs.require("mariadb-binlog", "mariadb-client"), auth.argument()));
            argv.addAll(ClientToolTls.arguments(primary.mysql().tls()));
            argv.addAll(List.of("--host=" + primary.mysql().host(), "--port=" + primary.mysql().port(), "--protocol=TCP",
                    "--read-from-remote-server", "--raw", "--to-last-log", "--result-file=" + spool + "/", first));
            Tools.run("mariadb-binlog --read-from-remote-server from " + primary.name(), BoundedProcess.Request.of(argv, timeout));
            List<String> copied;
            try (var s = Files.list(spool)) {
                copied = s.map(p -> p.getFileName().toString()).sorted().toList();
            }
            // The way the stream's spool goes up: rotated files whole, the active one's new events as a chunk.
            new SpoolUploader(repository, primary.name(), spool).pass();
            extendTimeline(primary.name(), applied, gtid, coveredAt);
            return new Synced(primary.name(), copied, gtid, coveredAt);
        } finally {
            BaseBackup.deleteTree(spool);
        }
    }

    /**
     * The round goes into binlog-timeline.json as the stream's would: after a failover, a new segment from the seam,
     * so a restore (or a restore drill catching up) stitches it. An archive of several nodes from before timelines
     * is left as it was: its restores name the node.
     */
    private void extendTimeline(String node, String applied, String gtid, Instant at) throws IOException {
        java.util.Optional<ArchiveTimeline> read = ArchiveTimeline.read(repository);
        if (read.isEmpty() && !List.of(node).containsAll(new ArchivedBinlogs(repository).nodes())) return;
        ArchiveTimeline t = read.orElse(ArchiveTimeline.EMPTY);
        t.afterRound(node, Seam.choose(t.coveredGtid(), applied, gtid).after(), gtid, at).write(repository);
    }

    /** The archived files of {@code node}'s binary log, in order. */
    private List<String> archived(String node) throws IOException {
        return new ArchivedBinlogs(repository).files(node).stream().map(ArchivedBinlogs.Stored::name).toList();
    }

    /**
     * Pure: the first file to copy. Rotated files never change, so those archived are skipped, except the
     * newest archived one, which may have grown since; the server may have purged files the archive never saw
     * (a gap, which the restore's GTID check finds), then its oldest is the start.
     */
    static String firstToFetch(List<String> onServer, List<String> archived) {
        String newest = archived.isEmpty() ? null : archived.get(archived.size() - 1);
        if (newest != null && onServer.contains(newest)) return newest;
        for (String f : onServer) {
            if (newest == null || f.compareTo(newest) > 0) return f;
        }
        return onServer.get(onServer.size() - 1);
    }
}
