package no.vakt.backup;

import java.io.IOException;
import java.io.OutputStream;
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
 * the replication protocol. Each {@link #sync} copies what is new since the last: the files not yet
 * archived and the active one again (it grew). Everything the primary had written when a sync began is
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

    public static String prefix(String node) {
        return "binlog/" + node;
    }

    /** Copies the primary's new binlog bytes into the repository. */
    public Synced sync(Node primary, String password) throws IOException, InterruptedException, BackupFailedException {
        Instant coveredAt = clock.instant();
        List<String> onServer = new ArrayList<>();
        String gtid;
        try (DbSession db = inspector.open(primary); Statement s = db.connection().createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT @@gtid_binlog_pos")) {
                r.next();
                gtid = r.getString(1);
            }
            try (ResultSet r = s.executeQuery("SHOW BINARY LOGS")) {
                while (r.next()) onServer.add(r.getString(1));
            }
        } catch (SQLException e) {
            throw new BackupFailedException("cannot list the binary logs of " + primary.name() + ": " + e.getMessage());
        }
        if (onServer.isEmpty()) throw new BackupFailedException(primary.name() + " has no binary log (log_bin is off)");
        String first = firstToFetch(onServer, archived(primary.name()));
        Path scratch = Files.createTempDirectory("vakt-binlog-");
        try (ClientDefaultsFile auth = ClientDefaultsFile.write(primary.mysql().user(), password)) {
            List<String> argv = new ArrayList<>(List.of(Programs.require("mariadb-binlog", "mariadb-client"), auth.argument()));
            argv.addAll(ClientToolTls.arguments(primary.mysql().tls()));
            argv.addAll(List.of("--host=" + primary.mysql().host(), "--port=" + primary.mysql().port(), "--protocol=TCP",
                    "--read-from-remote-server", "--raw", "--to-last-log", "--result-file=" + scratch + "/", first));
            Tools.run("mariadb-binlog --read-from-remote-server from " + primary.name(), BoundedProcess.Request.of(argv, timeout));
            List<String> copied = new ArrayList<>();
            for (String name : onServer.subList(onServer.indexOf(first), onServer.size())) {
                Path got = scratch.resolve(name);
                if (!Files.exists(got)) continue;
                try (OutputStream out = repository.create(prefix(primary.name()) + "/" + name)) {
                    Files.copy(got, out);
                }
                copied.add(name);
            }
            return new Synced(primary.name(), copied, gtid, coveredAt);
        } finally {
            BaseBackup.deleteTree(scratch);
        }
    }

    /** The archived files of {@code node}'s binary log, in order. */
    public List<String> archived(String node) throws IOException {
        return repository.list(prefix(node)).stream().map(k -> k.substring(k.lastIndexOf('/') + 1)).toList();
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
