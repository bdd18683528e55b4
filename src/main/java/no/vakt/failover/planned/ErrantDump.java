package no.vakt.failover.planned;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.vakt.config.Node;
import no.vakt.db.DbSession;
import no.vakt.process.Programs;
import no.vakt.replication.ClientDefaultsFile;
import no.vakt.replication.ClientToolTls;

/**
 * Saves a former primary's errant transactions before anything resets them: {@code mariadb-binlog}
 * reads its binary log over the network from the point where the histories part, with row events
 * decoded as comments ({@code -v}) so a person can read what the rows were. The file is evidence and
 * replayable SQL both; it is owner-only, since it holds application data. It connects with the node's
 * TLS setting ({@link ClientToolTls}), as Vakt's own session does.
 */
final class ErrantDump {
    private final Duration timeout;

    ErrantDump(Duration timeout) {
        this.timeout = timeout;
    }

    /** Writes the dump to {@code file} and checks it holds the last GTID of every errant range. */
    void write(Node node, String password, DbSession db, ErrantTransactions errant, Path file)
            throws IOException, SQLException, InterruptedException {
        createPrivate(file);
        List<String> cmd = new ArrayList<>();
        try (ClientDefaultsFile defaults = ClientDefaultsFile.write(node.mysql().user(), password)) {
            cmd.add(Programs.require("mariadb-binlog", "mariadb-client"));
            cmd.add(defaults.argument()); // must be the first option
            cmd.addAll(ClientToolTls.arguments(node.mysql().tls()));
            cmd.add("--read-from-remote-server");
            cmd.add("--host=" + node.mysql().host());
            cmd.add("--port=" + node.mysql().port());
            cmd.add("--verbose");
            cmd.add("--to-last-log");
            if (errant.sharedPositionCoversEveryErrantDomain() && !errant.sharedPosition().isEmpty()) {
                cmd.add("--start-position=" + errant.sharedPosition());
            }
            cmd.add(firstBinlog(db));
            Path err = Files.createTempFile("vakt-binlog-", ".err");
            try {
                Process p = new ProcessBuilder(cmd).redirectOutput(file.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("mariadb-binlog did not finish within " + timeout.toSeconds() + " s");
                }
                if (p.exitValue() != 0) {
                    throw new IOException("mariadb-binlog exited " + p.exitValue() + ": " + tail(err));
                }
            } finally {
                Files.deleteIfExists(err);
            }
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        for (ErrantTransactions.Range r : errant.ranges()) {
            if (!text.contains("GTID " + r.last() + " ")) {
                throw new IOException("the saved binary log " + file + " lacks errant GTID " + r.last()
                        + " (purged binary logs?); nothing was changed");
            }
        }
    }

    private static String firstBinlog(DbSession db) throws SQLException {
        List<Map<String, String>> logs = db.rows("SHOW BINARY LOGS");
        if (logs.isEmpty()) throw new SQLException("the node has no binary logs to save");
        return logs.get(0).get("Log_name");
    }

    private static void createPrivate(Path file) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path dir = file.toAbsolutePath().getParent();
        if (posix) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createDirectories(dir);
            Files.createFile(file);
        }
    }

    private static String tail(Path err) throws IOException {
        String s = Files.readString(err, StandardCharsets.UTF_8).strip();
        return s.length() > 500 ? s.substring(s.length() - 500) : s;
    }
}
