package no.vakt.backup;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    /** What was restored: the backup, up to where, and (for --before) the transaction left out. */
    public record Outcome(String backupId, RestoreTarget target, Optional<StopBefore.Cut> leftOut) {}

    /**
     * Restores backup {@code base} plus the archive into {@code server}'s new data directory; the server is left
     * stopped. The archive is {@code archiveNode}'s alone when named, else stitched across the nodes ({@link ArchiveReplay}).
     */
    public Outcome run(Manifest base, String archiveNode, RestoreTarget target, ScratchServer server)
            throws IOException, InterruptedException, BackupFailedException {
        new Unpacker(repository, timeout).unpackPrepared(base, server.dataDir());
        Path work = Files.createTempDirectory(server.dataDir().getParent(), "vakt-replay-");
        try {
            Path sql = work.resolve("replay.sql");
            Optional<StopBefore.Cut> cut = Optional.empty();
            boolean replay = new ArchiveReplay(repository, timeout).decode(base.gtidEnd(), archiveNode, target, work, sql);
            if (replay) {
                if (target instanceof RestoreTarget.Before b) {
                    cut = Optional.of(cutBefore(sql, b.fragment()));
                }
            }
            server.startForReplay(timeout);
            try {
                if (replay) {
                    Tools.run("mariadb (binlog replay)", BoundedProcess.Request.of(List.of(Programs.require("mariadb", "mariadb-client"),
                            "--no-defaults", "--socket=" + server.socket(), "--user=root", "--binary-mode"), timeout).readingFrom(sql));
                }
            } finally {
                server.stop(timeout);
            }
            return new Outcome(base.id(), target, cut);
        } finally {
            BaseBackup.deleteTree(work);
        }
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
