package no.vakt.faults;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.journal.FailoverRecord;
import no.vakt.journal.Journal;
import no.vakt.lab.Lab;
import no.vakt.lab.LabFiles;
import no.vakt.lab.LabLayout;
import no.vakt.lab.LabMonitor;
import no.vakt.lab.LabNetns;
import no.vakt.lab.LabSettings;
import no.vakt.lab.LabSite;
import no.vakt.lab.MariaDbServer;
import no.vakt.testing.Cli;
import no.vakt.testing.Loopback;

/**
 * One fresh lab for one row of the fault matrix: both sites (in network namespaces when asked), replication
 * (semi-sync when asked), file sync, and {@code vakt run} as its own process, as an operator runs it.
 * Closing stops the monitor and purges the lab, also after a failure.
 */
final class FaultLab implements AutoCloseable {
    /** What a row may change in the lab's generated config, besides the fixed tuning below. */
    record Tuning(Duration interval, Duration timeout, int failures) {
        static final Tuning DEFAULTS = new Tuning(Duration.ofSeconds(1), Duration.ofSeconds(1), 3);
        static final Tuning FAST = new Tuning(Duration.ofMillis(200), Duration.ofMillis(500), 3);
    }

    /** Where the matrix runs its labs. */
    record Place(boolean netns, String netnsPrefix, int netnsOctet, String osloAddress, String bergenAddress) {
        static Place loopback() {
            return new Place(false, null, 0, Loopback.nextAddress(), Loopback.nextAddress());
        }

        static Place netns(String prefix, int octet) {
            return new Place(true, prefix, octet, null, null);
        }
    }

    private final Path dir;
    private final LabLayout layout;
    private final LabSettings settings;
    private final boolean netns;
    private final int dashboardPort;
    private final LabMonitor monitor;
    private Application application;

    private FaultLab(Path dir, LabSettings settings, boolean netns, int dashboardPort) {
        this.dir = dir;
        this.layout = new LabLayout(dir);
        this.settings = settings;
        this.netns = netns;
        this.dashboardPort = dashboardPort;
        this.monitor = new LabMonitor(layout);
    }

    /** A fresh lab, replicated, its config changed by {@code edit}, the monitor not yet running. */
    static FaultLab up(Path dir, Place place, boolean semiSync, boolean stonith, Tuning tuning, UnaryOperator<String> edit)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("lab", "up", "--dir", dir.toString(), "--no-tls", "--no-hints"));
        if (semiSync) args.add("--semi-sync");
        if (stonith) args.add("--stonith");
        if (place.netns()) {
            args.addAll(List.of("--netns", "--netns-prefix", place.netnsPrefix(), "--netns-octet",
                    Integer.toString(place.netnsOctet())));
        } else {
            args.addAll(List.of("--oslo-address", place.osloAddress(), "--bergen-address", place.bergenAddress()));
        }
        Cli up = Cli.run(args.toArray(String[]::new));
        if (up.exitCode() != 0) {
            Cli.run("lab", "down", "--dir", dir.toString(), "--purge");
            throw new IllegalStateException("lab up failed:\n" + up.out() + up.err());
        }
        int port = Loopback.freePort("127.0.0.1");
        LabSettings settings = LabSettings.read(new LabLayout(dir).settingsFile()).orElseThrow();
        FaultLab lab = new FaultLab(dir, settings, place.netns(), port);
        try {
            Cli rep = Cli.run("replicate", "--config", lab.config().toString());
            if (rep.exitCode() != 0) throw new IllegalStateException("replicate failed:\n" + rep.out() + rep.err());
            lab.tune(tuning, edit);
            return lab;
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    private void tune(Tuning t, UnaryOperator<String> edit) throws IOException {
        String yaml = Files.readString(config());
        String checks = "  checks:\n    interval: 1s\n    timeout: 1s\n    failures: 3\n";
        String listen = "  listen: 127.0.0.1:8787\n";
        if (!yaml.contains(checks) || !yaml.contains(listen) || !yaml.contains("cooldown: 1m")) {
            throw new IllegalStateException("the lab's config changed shape; update FaultLab.tune: " + config());
        }
        yaml = yaml.replace(checks, "  checks:\n    interval: " + t.interval().toMillis() + "ms\n    timeout: "
                        + t.timeout().toMillis() + "ms\n    failures: " + t.failures() + "\n")
                .replace(listen, "  listen: 127.0.0.1:" + dashboardPort + "\n")
                // Rows are single faults on a fresh lab: the cooldown would only delay a second row's failover.
                .replace("cooldown: 1m", "cooldown: 2s");
        yaml = edit.apply(yaml);
        Files.writeString(config(), yaml);
    }

    void attach(Application app) {
        this.application = app;
    }

    /** The shop writing to this lab (rows that upload files of their own count them through it). */
    Application application() {
        if (application == null) throw new IllegalStateException("no application runs on this lab yet");
        return application;
    }

    /** Loads the config: fails here, naming the line, rather than in the monitor's log. */
    void validate() {
        ConfigLoader.load(config());
    }

    Path dir() {
        return dir;
    }

    Path config() {
        return layout.configFile();
    }

    VaktConfig cfg() {
        return ConfigLoader.load(config());
    }

    Path journalFile() {
        return dir.resolve(".vakt/journal.db");
    }

    boolean netns() {
        return netns;
    }

    MariaDbServer server(LabSite site) {
        return new Lab(layout).server(site, settings);
    }

    Path uploads(LabSite site) {
        return new LabFiles(layout, settings).uploads(site);
    }

    /** The address the application's connections come from (the lab's load address), or null on loopback. */
    String applicationAddress() {
        return netns ? LabNetns.of(layout).loadAddress() : null;
    }

    LabSite siteOfHost(String host) {
        for (LabSite s : LabSite.values()) if (server(s).host().equals(host)) return s;
        throw new IllegalArgumentException("no lab site at " + host);
    }

    /** Root over the server's socket file: works whatever the network does to the server. */
    Connection socketConnection(LabSite site, Duration timeout) throws SQLException {
        long ms = Math.max(1, timeout.toMillis());
        return DriverManager.getConnection("jdbc:mariadb://localhost/?localSocket=" + server(site).socket()
                + "&connectTimeout=" + ms + "&socketTimeout=" + ms, "root", "");
    }

    /** The one writable site, read over the sockets; empty when none or both are. */
    Optional<LabSite> writableSite() {
        LabSite found = null;
        for (LabSite s : LabSite.values()) {
            try (Connection c = socketConnection(s, Duration.ofSeconds(2));
                    var st = c.createStatement();
                    var r = st.executeQuery("SELECT @@GLOBAL.read_only")) {
                if (r.next() && r.getInt(1) == 0) {
                    if (found != null) return Optional.empty();
                    found = s;
                }
            } catch (SQLException e) {
                // down or frozen: not writable now
            }
        }
        return Optional.ofNullable(found);
    }

    void startMonitor() throws IOException, InterruptedException {
        monitor.start(config(), URI.create("http://127.0.0.1:" + dashboardPort));
    }

    Optional<ProcessHandle> monitorProcess() {
        return monitor.running();
    }

    void stopMonitor() throws IOException {
        monitor.stop();
    }

    Path monitorLog() {
        return monitor.logFile();
    }

    /** The newest failover or switchover the journal holds (read without taking any lock). */
    Optional<FailoverRecord> latestFailover() {
        if (!Files.exists(journalFile())) return Optional.empty();
        try (Journal j = new Journal(journalFile(), Clock.systemUTC())) {
            return j.failovers(5).stream().max(Comparator.comparingLong(FailoverRecord::id));
        } catch (RuntimeException e) {
            return Optional.empty(); // busy: the caller polls again
        }
    }

    @Override
    public void close() {
        try {
            stopMonitor();
        } catch (IOException ignored) {
            // the lab's purge below stops what is left
        }
        try {
            // The monitor's log outlives the lab: what a row saw is read there afterwards (timings of the fences).
            Path log = dir.resolve("run.log");
            if (Files.exists(log)) Files.copy(log, dir.resolveSibling(dir.getFileName() + "-run.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ignored) {
            // only a copy for reading afterwards
        }
        Cli.run("lab", "down", "--dir", dir.toString(), "--purge");
        try {
            MariaDbServer.deleteTree(dir);
        } catch (IOException ignored) {
            // best effort: the directory is the matrix's own scratch space
        }
    }
}
