package no.vakt.backup;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.vakt.config.BackupConfig;
import no.vakt.config.Node;
import no.vakt.db.NodeState;
import no.vakt.process.BoundedProcess;
import no.vakt.process.Programs;
import no.vakt.replication.ClientDefaultsFile;
import no.vakt.replication.ClientToolTls;

/**
 * Takes one base backup: {@code mariadb-backup --backup --stream=xbstream} against the chosen server
 * ({@link BackupSource}), the stream compressed and checksummed into the repository as it comes (no local
 * copy: the local disk needs no room for it, and compression overlaps the copy), then the manifest.
 * mariadb-backup copies InnoDB's files itself, so it runs on the chosen server's host (its data
 * directory must be readable here).
 */
public final class BaseBackup {
    private static final Pattern LAST_GTID = Pattern.compile("GTID of the last change '([0-9,-]*)'");
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    static final String STREAM = "backup.xb";

    private final BackupConfig config;
    private final Repository repository;
    private final Clock clock;

    public BaseBackup(BackupConfig config, Repository repository, Clock clock) {
        this.config = config;
        this.repository = repository;
        this.clock = clock;
    }

    /** Takes it from {@code source}: the server's password only in a 0600 option file. */
    public Manifest take(BackupSource.Choice source, String password) throws IOException, InterruptedException, BackupFailedException {
        NodeState state = source.state();
        Optional<String> problem = ToolVersion.problem(ToolVersion.judge(ToolVersion.observe(), state.version()));
        if (problem.isPresent()) throw new BackupFailedException(problem.get());
        Node node = state.node();
        Instant started = clock.instant();
        String id = ID.format(started);
        // Only mariadb-backup's own temporary files: the stream itself goes straight into the repository.
        Path work = Files.createTempDirectory("vakt-backup-");
        try (ClientDefaultsFile auth = ClientDefaultsFile.write(node.mysql().user(), password)) {
            List<String> argv = new ArrayList<>(List.of(Programs.require(ToolVersion.PROGRAM, ToolVersion.PACKAGE), auth.argument()));
            argv.addAll(ClientToolTls.arguments(node.mysql().tls()));
            argv.addAll(List.of("--backup", "--stream=xbstream", "--target-dir=" + work,
                    "--host=" + node.mysql().host(), "--port=" + node.mysql().port(), "--protocol=TCP"));
            if (source.role().equals("standby")) argv.add("--slave-info");
            String compression = StoredStream.name(config.compression());
            String key = "base/" + id + "/" + STREAM + StoredStream.suffix(config.compression());
            Taken taken = stream("mariadb-backup --backup on " + node.name(), BoundedProcess.Request.of(argv, config.timeout()), key);
            Manifest m = new Manifest(id, node.name(), source.role(), source.note(), started, clock.instant(), state.version(),
                    ToolVersion.observe().map(String::strip).orElse(""), state.gtidCurrentPos().toString(), taken.gtidEnd(),
                    compression, taken.plainBytes(), List.of(taken.stored()),
                    repository instanceof SealedRepository ? OpenPgpSealing.NAME : "none");
            m.write(repository);
            return m;
        } finally {
            deleteTree(work);
        }
    }

    private record Taken(Manifest.StoredFile stored, long plainBytes, String gtidEnd) {}

    /**
     * mariadb-backup's output stored as it comes. The stored file stays only when the tool exited 0 and named
     * its GTID: a stream that ended because the tool failed looks whole.
     */
    private Taken stream(String what, BoundedProcess.Request request, String key)
            throws IOException, InterruptedException, BackupFailedException {
        try (BoundedProcess.Running tool = BoundedProcess.start(request.pipingStdout());
                Tapped plain = new Tapped(tool.stdout())) {
            Manifest.StoredFile stored;
            try {
                stored = StoredStream.store(plain, repository, key, config.compression());
            } catch (IOException e) {
                // A cut stream (deadline, interrupt) is the tool's failure; the repository's own stands as it is.
                if (plain.failed) Tools.check(what, request, tool.finish());
                throw e;
            }
            try {
                BoundedProcess.Finished f = Tools.check(what, request, tool.finish());
                String gtidEnd = lastGtid(f.stderr().tail()).orElseThrow(() -> new BackupFailedException(
                        "mariadb-backup did not report the backup's GTID position: " + Tools.lastLines(f.stderr().tail())));
                return new Taken(stored, plain.bytes, gtidEnd);
            } catch (Exception e) {
                try {
                    repository.delete(key);
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        }
    }

    /** Counts the plain stream for the manifest, and tells a failed read from a failed write. */
    private static final class Tapped extends FilterInputStream {
        long bytes;
        boolean failed;

        Tapped(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                if (n > 0) bytes += n;
                return n;
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }
    }

    /** Pure: mariadb-backup's "GTID of the last change '0-1-42'" line; empty GTID when the server has written none. */
    static Optional<String> lastGtid(String stderr) {
        Matcher m = LAST_GTID.matcher(stderr);
        String found = null;
        while (m.find()) found = m.group(1);
        return Optional.ofNullable(found);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
