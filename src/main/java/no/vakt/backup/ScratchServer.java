package no.vakt.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import no.vakt.cluster.Sleeper;
import no.vakt.process.Daemons;
import no.vakt.process.Programs;

/**
 * A mariadbd the restore starts on a restored data directory. First {@link #startForReplay} (socket only,
 * no grant checks: the binlog replay needs rights no application account has), then {@link #startServing}
 * on host:port with the restored accounts, left running for the operator.
 */
public final class ScratchServer {
    private final Path home;
    private final Path dataDir;
    private final Clock clock;
    private final Sleeper sleeper;

    public ScratchServer(Path home, Clock clock, Sleeper sleeper) {
        this.home = home;
        this.dataDir = home.resolve("data");
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path socket() {
        return home.resolve("s.sock");
    }

    public Path pidFile() {
        return home.resolve("mariadbd.pid");
    }

    void startForReplay(Duration timeout) throws IOException, InterruptedException, BackupFailedException {
        start(List.of("--skip-grant-tables", "--skip-networking"), timeout);
    }

    public void startServing(String host, int port, Duration timeout) throws IOException, InterruptedException, BackupFailedException {
        start(List.of("--bind-address=" + host, "--port=" + port), timeout);
    }

    /**
     * As a node of its own on a new host: a binary log and the given server id (it can replicate and be
     * replicated from), its options in {@code my.cnf} in the home so it restarts the same way
     * ({@code mariadbd --defaults-file=HOME/my.cnf}).
     */
    public void startAsNewHost(String host, int port, int serverId, Duration timeout)
            throws IOException, InterruptedException, BackupFailedException {
        List<String> options = new ArrayList<>(base(serverId, false));
        options.addAll(List.of("--bind-address=" + host, "--port=" + port, "--log-bin=" + home.resolve("binlog").resolve("mysql-bin"),
                "--binlog-format=ROW", "--log-slave-updates", "--relay-log=" + home.resolve("binlog").resolve("relay-bin")));
        Files.createDirectories(home.resolve("binlog"));
        StringBuilder cnf = new StringBuilder("# written by vakt restore --new-host\n[mysqld]\n");
        for (String o : options) cnf.append(o.substring(2)).append('\n');
        Files.writeString(myCnf(), cnf.toString());
        launch(List.of(Programs.require("mariadbd", "mariadb-server"), "--defaults-file=" + myCnf()), timeout);
    }

    public Path myCnf() {
        return home.resolve("my.cnf");
    }

    private List<String> base(int serverId, boolean noBinlog) {
        List<String> o = new ArrayList<>(List.of("--datadir=" + dataDir, "--socket=" + socket(), "--pid-file=" + pidFile(),
                "--log-error=" + home.resolve("error.log"), "--server-id=" + serverId, "--skip-slave-start"));
        if (noBinlog) o.add("--skip-log-bin");
        if ("root".equals(System.getProperty("user.name"))) o.add("--user=root");
        return o;
    }

    private void start(List<String> mode, Duration timeout) throws IOException, InterruptedException, BackupFailedException {
        List<String> argv = new ArrayList<>(List.of(Programs.require("mariadbd", "mariadb-server"), "--no-defaults"));
        argv.addAll(base(4000, true));
        argv.addAll(mode);
        launch(argv, timeout);
    }

    private void launch(List<String> argv, Duration timeout) throws IOException, InterruptedException, BackupFailedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("mariadbd.out").toFile())).start();
        Instant deadline = clock.instant().plus(timeout);
        while (clock.instant().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new BackupFailedException("mariadbd on the restored data exited with " + p.exitValue() + ": "
                        + String.join(" | ", Daemons.tail(home.resolve("error.log"), 3)));
            }
            if (answers()) return;
            sleeper.sleep(Duration.ofMillis(50));
        }
        p.destroyForcibly();
        throw new BackupFailedException("mariadbd on the restored data did not answer within " + timeout.toSeconds() + " s");
    }

    private boolean answers() {
        try (Connection c = connect()) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    /** As root over the socket (during the replay no grants are checked). */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://localhost/?localSocket=" + socket() + "&connectTimeout=2000", "root", "");
    }

    public void stop(Duration grace) {
        Optional<ProcessHandle> h = Daemons.fromPidFile(pidFile(), c -> c.contains("mariadbd"), true);
        h.ifPresent(p -> Daemons.stop(p, grace));
    }

    /** Stops the server and removes everything under its home: a drill's restore is thrown away. */
    public void discard(Duration grace) throws IOException {
        stop(grace);
        BaseBackup.deleteTree(home);
    }

    /** Never over an earlier restore or anything else: the data directory must be new. */
    public static void prepareHome(Path home) throws IOException, BackupFailedException {
        if (Files.exists(home.resolve("data"))) throw new BackupFailedException(home.resolve("data") + " exists: restore into a new directory");
        Files.createDirectories(home);
    }
}
