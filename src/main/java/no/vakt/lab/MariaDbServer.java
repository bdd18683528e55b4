package no.vakt.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import no.vakt.process.Daemons;

/**
 * A throw-away {@code mariadbd} from Debian's mariadb-server, in its own directory: data, my.cnf,
 * socket, pid file and error log all live under {@code home}. Used by the lab and by the tests.
 * Stopping works from another process too, through the pid file.
 */
public final class MariaDbServer {
    /** mariadbd usually answers within a second; a cold disk or a busy CI core gets thirty. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** sun_path holds 108 bytes including the terminating NUL; a little margin for the kernel's view of it. */
    private static final int MAX_SOCKET_PATH = 100;

    private final String name;
    private final Path home;
    private final String host;
    private final int port;
    private final Map<String, String> options;
    /** Prepended to the mariadbd command, e.g. {@code ip netns exec NS} (see {@link LabNetns}); empty: none. */
    private final List<String> launcher;

    public MariaDbServer(String name, Path home, String host, int port, Map<String, String> options) {
        this(name, home, host, port, options, List.of());
    }

    public MariaDbServer(String name, Path home, String host, int port, Map<String, String> options, List<String> launcher) {
        this.name = name;
        this.home = home.toAbsolutePath();
        this.host = host;
        this.port = port;
        this.options = new LinkedHashMap<>(options);
        this.launcher = List.copyOf(launcher);
    }

    public String name() {
        return name;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Path home() {
        return home;
    }

    public Path dataDir() {
        return home.resolve("data");
    }

    /**
     * The socket lives in {@code home} unless that path is longer than a unix socket address allows
     * (108 bytes, mariadbd refuses to start); then it goes to a short name in the temp directory, derived
     * from {@code home} so every process finds the same one.
     */
    public Path socket() {
        Path inHome = home.resolve("mariadb.sock");
        if (inHome.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH) return inHome;
        String tag = HexFormat.of().formatHex(sha256(home.toString())).substring(0, 12);
        return Path.of(System.getProperty("java.io.tmpdir", "/tmp"), "vakt-" + name + "-" + tag + ".sock");
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public Path pidFile() {
        return home.resolve("mariadbd.pid");
    }

    /** Its own temporary directory: a shared /tmp that another program cleans breaks its ALTERs and sorts. */
    public Path tmpDir() {
        return home.resolve("tmp");
    }

    public Path errorLog() {
        return home.resolve("error.log");
    }

    public Path myCnf() {
        return home.resolve("my.cnf");
    }

    /** Creates the data directory from a cached, freshly installed template when it is missing. */
    public void initialize() throws IOException {
        if (Files.isDirectory(dataDir().resolve("mysql"))) return;
        Files.createDirectories(home);
        copyTree(Template.get(), dataDir());
    }

    /** Writes my.cnf and starts mariadbd, returning once it accepts connections. */
    public void start() throws IOException {
        initialize();
        if (isRunning()) return;
        Files.createDirectories(tmpDir());
        Files.writeString(myCnf(), renderMyCnf());
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of(Binaries.require("mariadbd"), "--defaults-file=" + myCnf()));
        if (isRoot()) cmd.add("--user=root");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("mariadbd.out").toFile()))
                .start();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        String lastFailure = "no attempt finished";
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new IOException("mariadbd for " + name + " exited with " + p.exitValue() + "; see " + errorLog()
                        + lastLines(errorLog()));
            }
            Optional<String> failure = connectionFailure();
            if (failure.isEmpty()) return;
            lastFailure = failure.get();
            pause(50);
        }
        String socketAnswers = answersOnSocket()
                ? "; it answers on its socket, so the network path to " + host + " is what fails (routes, bridge, firewall)"
                : "";
        p.destroyForcibly();
        throw new IOException("mariadbd for " + name + " did not accept connections on " + host + ":" + port
                + " within " + START_TIMEOUT.toSeconds() + " s (last attempt: " + lastFailure + ")" + socketAnswers
                + "; see " + errorLog() + lastLines(errorLog()));
    }

    /** Runs statements as root over the local socket (root has no password in a fresh data directory). */
    public void rootExecute(String... statements) throws SQLException {
        try (Connection c = rootConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) s.execute(sql);
        }
    }

    public Connection rootConnection() throws SQLException {
        if (!launcher.isEmpty()) {
            // In a network namespace root@localhost is only reachable through the socket file (not namespaced).
            return DriverManager.getConnection("jdbc:mariadb://localhost/?localSocket=" + socket()
                    + "&connectTimeout=2000&socketTimeout=30000", "root", "");
        }
        return DriverManager.getConnection(
                "jdbc:mariadb://" + host + ":" + port + "/?connectTimeout=2000&socketTimeout=30000", "root", "");
    }

    public Optional<Long> pid() {
        try {
            if (!Files.exists(pidFile())) return Optional.empty();
            return Optional.of(Long.parseLong(Files.readString(pidFile()).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public boolean isRunning() {
        return pid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
    }

    /** SIGTERM and wait for a clean shutdown. */
    public void stop() {
        pid().flatMap(ProcessHandle::of).ifPresent(h -> Daemons.stop(h, STOP_TIMEOUT));
    }

    /** SIGKILL: the crash a failover must survive. */
    public void kill() {
        pid().flatMap(ProcessHandle::of).ifPresent(h -> Daemons.kill(h, STOP_TIMEOUT));
    }

    /** Stops the server and removes its directory. */
    public void destroy() throws IOException {
        kill();
        deleteTree(home);
    }

    private boolean answersOnSocket() {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://localhost/?localSocket=" + socket()
                + "&connectTimeout=1000&socketTimeout=2000", "root", "")) {
            return c.isValid(1);
        } catch (SQLException e) {
            return e.getErrorCode() == 1045;
        }
    }

    /** Empty when the server answers on host:port, else why not (the last real error, for the timeout message). */
    private Optional<String> connectionFailure() {
        try (Connection c = DriverManager.getConnection(
                "jdbc:mariadb://" + host + ":" + port + "/?connectTimeout=500&socketTimeout=2000", "root", "")) {
            return c.isValid(1) ? Optional.empty() : Optional.of("connection not valid");
        } catch (SQLException e) {
            // Access denied still means the server is up (root may have been given a password, or
            // connects from an address root has no account for: 1130, a lab site in a network namespace).
            if (e.getErrorCode() == 1045 || e.getErrorCode() == 1130) return Optional.empty();
            return Optional.of("error " + e.getErrorCode() + ", SQLState " + e.getSQLState() + ": " + e.getMessage());
        }
    }

    private String renderMyCnf() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("datadir", dataDir().toString());
        all.put("socket", socket().toString());
        all.put("pid-file", pidFile().toString());
        all.put("tmpdir", tmpDir().toString());
        all.put("log-error", errorLog().toString());
        all.put("port", Integer.toString(port));
        all.put("bind-address", host);
        all.put("innodb-buffer-pool-size", "32M");
        all.put("innodb-log-file-size", "8M");
        all.put("max-connections", "200");
        all.putAll(options);
        StringBuilder sb = new StringBuilder("# written by vakt for ").append(name).append("\n[mysqld]\n");
        all.forEach((k, v) -> sb.append(k).append(v == null ? "" : " = " + v).append('\n'));
        return sb.toString();
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String lastLines(Path log) {
        return "\n  " + String.join("\n  ", Daemons.tail(log, 5));
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for mariadbd", e);
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path src : (Iterable<Path>) paths::iterator) {
                Path dst = to.resolve(from.relativize(src).toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** One freshly installed system schema per machine and user, copied for every new server. */
    static final class Template {
        private static Path cached;

        static synchronized Path get() throws IOException {
            if (cached != null) return cached;
            Path dir = Path.of(System.getProperty("java.io.tmpdir"),
                    "vakt-mariadb-template-" + System.getProperty("user.name"));
            if (!Files.isDirectory(dir.resolve("mysql"))) {
                Path tmp = Files.createTempDirectory(dir.getParent(), "vakt-template-");
                List<String> cmd = new ArrayList<>(List.of(Binaries.require("mariadb-install-db"), "--no-defaults",
                        "--datadir=" + tmp.resolve("data"), "--auth-root-authentication-method=normal",
                        "--skip-test-db", "--innodb-log-file-size=8M"));
                if (isRoot()) cmd.add("--user=root");
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(tmp.resolve("install.log").toFile()).start();
                try {
                    if (p.waitFor() != 0) {
                        throw new IOException("mariadb-install-db failed; see " + tmp.resolve("install.log"));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted during mariadb-install-db", e);
                }
                try {
                    Files.move(tmp.resolve("data"), dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                    // Another process installed it first; theirs is as good as ours.
                }
                deleteTree(tmp);
            }
            cached = dir;
            return dir;
        }
    }
}
