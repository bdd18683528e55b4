package no.vakt.backup;

import java.io.IOException;
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
 * ({@link BackupSource}), the stream compressed and checksummed into the repository, then the manifest.
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
        Path scratch = Files.createTempDirectory("vakt-backup-");
        try (ClientDefaultsFile auth = ClientDefaultsFile.write(node.mysql().user(), password)) {
            Path stream = scratch.resolve(STREAM);
            List<String> argv = new ArrayList<>(List.of(Programs.require(ToolVersion.PROGRAM, ToolVersion.PACKAGE), auth.argument()));
            argv.addAll(ClientToolTls.arguments(node.mysql().tls()));
            argv.addAll(List.of("--backup", "--stream=xbstream", "--target-dir=" + scratch.resolve("work"),
                    "--host=" + node.mysql().host(), "--port=" + node.mysql().port(), "--protocol=TCP"));
            if (source.role().equals("standby")) argv.add("--slave-info");
            Files.createDirectories(scratch.resolve("work"));
            BoundedProcess.Finished f = Tools.run("mariadb-backup --backup on " + node.name(),
                    BoundedProcess.Request.of(argv, config.timeout()).writingTo(stream));
            String gtidEnd = lastGtid(f.stderr().tail()).orElseThrow(() -> new BackupFailedException(
                    "mariadb-backup did not report the backup's GTID position: " + Tools.lastLines(f.stderr().tail())));
            String compression = StoredStream.name(config.compression());
            String key = "base/" + id + "/" + STREAM + StoredStream.suffix(config.compression());
            Manifest.StoredFile stored = StoredStream.store(stream, repository, key, config.compression());
            Manifest m = new Manifest(id, node.name(), source.role(), source.note(), started, clock.instant(), state.version(),
                    ToolVersion.observe().map(String::strip).orElse(""), state.gtidCurrentPos().toString(), gtidEnd, compression,
                    Files.size(stream), List.of(stored), repository instanceof SealedRepository ? OpenPgpSealing.NAME : "none");
            m.write(repository);
            return m;
        } finally {
            deleteTree(scratch);
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
