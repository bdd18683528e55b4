package no.vakt.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.lab.LabConfigTemplate;
import no.vakt.lab.MariaDbServer;
import no.vakt.lab.SiteProfile;

/**
 * A real primary/standby pair of throw-away mariadbd processes and a vakt.yml pointing at them.
 * Nothing is replicating yet: tests call {@code vakt replicate} (or not). Always closed by the test,
 * and by a shutdown hook if the JVM dies first.
 */
public final class TestPair implements AutoCloseable {
    public static final String ADMIN_USER = "vakt";
    public static final String REPL_USER = "repl";

    public final Path dir;
    public final MariaDbServer primary;
    public final MariaDbServer standby;
    public final Path configFile;
    private final Thread hook;

    private TestPair(Path dir, MariaDbServer primary, MariaDbServer standby, Path configFile) {
        this.dir = dir;
        this.primary = primary;
        this.standby = standby;
        this.configFile = configFile;
        this.hook = new Thread(this::destroyQuietly);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static TestPair start() throws Exception {
        return builder().start();
    }

    public VaktConfig config() {
        return ConfigLoader.load(configFile);
    }

    /** Rewrites the config text (for tests of one misconfiguration) and returns the new file. */
    public Path rewriteConfig(java.util.function.UnaryOperator<String> edit) throws IOException {
        Files.writeString(configFile, edit.apply(Files.readString(configFile)));
        return configFile;
    }

    public Path adminPasswordFile() {
        return dir.resolve("secrets/admin.password");
    }

    /**
     * Restarts a server with changed my.cnf options (null value removes the option). Changes accumulate
     * over several restarts of the same server. The replacement shares the home and pid file, so
     * closing the pair stops it through {@code primary}/{@code standby} as well.
     */
    public MariaDbServer restartWith(MariaDbServer server, Map<String, String> changes) throws IOException {
        server.stop();
        boolean isPrimary = server.name().equals(primary.name());
        Map<String, String> opts = new LinkedHashMap<>(isPrimary ? primaryOptions : standbyOptions);
        changes.forEach((k, v) -> {
            if (v == null) opts.remove(k);
            else opts.put(k, v);
        });
        if (isPrimary) primaryOptions = opts;
        else standbyOptions = opts;
        MariaDbServer replacement = new MariaDbServer(server.name(), server.home(), server.host(), server.port(), opts);
        replacement.start();
        return replacement;
    }


    private Map<String, String> primaryOptions;
    private Map<String, String> standbyOptions;

    @Override
    public void close() throws IOException {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // Already shutting down: the hook is running this.
        }
        destroy();
    }

    private void destroy() throws IOException {
        List<IOException> errors = new ArrayList<>();
        for (MariaDbServer s : List.of(primary, standby)) {
            try {
                s.destroy();
            } catch (IOException e) {
                errors.add(e);
            }
        }
        MariaDbServer.deleteTree(dir);
        if (!errors.isEmpty()) throw errors.get(0);
    }

    private void destroyQuietly() {
        try {
            destroy();
        } catch (IOException ignored) {
            // Best effort at JVM exit.
        }
    }

    public static final class Builder {
        private final Map<String, String> primaryChanges = new LinkedHashMap<>();
        private final Map<String, String> standbyChanges = new LinkedHashMap<>();
        private List<String> databases = List.of("shop");
        private String failoverMode = "automatic";
        private boolean semiSync;
        private Consumer<MariaDbServer> primarySetup = s -> {};
        private String primaryHost;
        private String standbyHost;

        /** Fixed addresses instead of Loopback's (a helper's own 127.x range). */
        public Builder hosts(String primary, String standby) {
            primaryHost = primary;
            standbyHost = standby;
            return this;
        }

        /** Changes a my.cnf option of the primary; null removes it. */
        public Builder primaryOption(String key, String value) {
            primaryChanges.put(key, value);
            return this;
        }

        public Builder standbyOption(String key, String value) {
            standbyChanges.put(key, value);
            return this;
        }

        public Builder databases(String... names) {
            databases = List.of(names);
            return this;
        }

        public Builder failoverMode(String mode) {
            failoverMode = mode;
            return this;
        }

        public Builder semiSync(boolean on) {
            semiSync = on;
            return this;
        }

        public TestPair start() throws Exception {
            Path dir = TestDirs.create("pair-");
            Path secrets = Files.createDirectories(dir.resolve("secrets"));
            Path adminPw = secret(secrets.resolve("admin.password"), "admin-" + Long.toHexString(System.nanoTime()));
            Path replPw = secret(secrets.resolve("replication.password"), "repl-" + Long.toHexString(System.nanoTime()));

            String pHost = primaryHost != null ? primaryHost : Loopback.nextAddress();
            String sHost = standbyHost != null ? standbyHost : Loopback.nextAddress();
            Map<String, String> pOpts = apply(SiteProfile.primary(1), primaryChanges);
            Map<String, String> sOpts = apply(SiteProfile.standby(2), standbyChanges);
            MariaDbServer p = new MariaDbServer("oslo", dir.resolve("oslo"), pHost, Loopback.freePort(pHost), pOpts);
            MariaDbServer s = new MariaDbServer("bergen", dir.resolve("bergen"), sHost, Loopback.freePort(sHost), sOpts);
            Path cfg = dir.resolve("vakt.yml");
            TestPair pair = new TestPair(dir, p, s, cfg);
            pair.primaryOptions = pOpts;
            pair.standbyOptions = sOpts;
            try {
                p.start();
                s.start();
                String adminPassword = Files.readString(adminPw).trim();
                SiteProfile.createAdminUser(p, ADMIN_USER, adminPassword, "127.0.0.1", databases);
                SiteProfile.createAdminUser(s, ADMIN_USER, adminPassword, "127.0.0.1", databases);
                primarySetup.accept(p);
                Files.writeString(cfg, new LabConfigTemplate("test", pHost, p.port(), sHost, s.port(), ADMIN_USER,
                        adminPw, REPL_USER, replPw, databases, failoverMode, null, semiSync, "127.0.0.1").render());
                return pair;
            } catch (Exception | Error e) {
                pair.close();
                throw e;
            }
        }

        private static Map<String, String> apply(Map<String, String> base, Map<String, String> changes) {
            Map<String, String> out = new LinkedHashMap<>(base);
            changes.forEach((k, v) -> {
                if (v == null) out.remove(k);
                else out.put(k, v);
            });
            return out;
        }

        private static Path secret(Path file, String value) throws IOException {
            Files.writeString(file, value + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return file;
        }
    }

    /** Runs SQL as root on a server, for test setup. */
    public static void sql(MariaDbServer server, String... statements) {
        try {
            server.rootExecute(statements);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
