package no.vakt.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import no.vakt.process.Daemons;

/**
 * The local two-site sandbox: "oslo" (primary) and "bergen" (standby), two mariadbd processes on
 * their own loopback addresses and one port, plus a ready {@code vakt.yml}. Everything lives under
 * {@link LabLayout#dir()}. Servers are daemons: they outlive the JVM that started them, and
 * {@link #down} finds them again through their pid files.
 */
public final class Lab {
    public static final String CLUSTER = "lab";
    public static final String ADMIN_USER = "vakt";
    public static final String REPLICATION_USER = "repl";
    /** Outgoing connections to any 127.x.y.z come from 127.0.0.1, so accounts are limited to it. */
    public static final String SOURCE_ADDRESS = "127.0.0.1";
    public static final List<String> DATABASES = List.of("shop");
    public static final String FAILOVER_MODE = "automatic";
    static final long SEMI_SYNC_TIMEOUT_MS = 1000;
    private static final Duration STOP_WAIT = Duration.ofSeconds(40);
    /**
     * Files and directories {@code lab up} creates, and {@code .vakt}, what Vakt writes next to the lab's
     * config (journal, file sync direction, layout and guard): a fresh lab must not inherit an old journal's
     * direction or roles. {@code --purge} removes these and nothing else.
     */
    private static final List<String> OWNED = List.of("oslo", "bergen", "secrets", "tls", "vakt.yml", "vakt.yml.generated",
            "lab.properties", ".gitignore", "dns", "netns.properties", "run.pid", "run.log", "ssh", ".vakt",
            "agents", "agent-oslo.yml", "agent-bergen.yml", "agent-witness.yml");

    private final LabLayout layout;

    public Lab(LabLayout layout) {
        this.layout = layout;
    }

    public LabLayout layout() {
        return layout;
    }

    /** What one site looks like after a lab command. */
    public record SiteReport(LabSite site, String host, int port, Long pid, boolean running, String action) {
        public String address() {
            return host + ":" + port;
        }
    }

    /** @param keptEdits where the operator's edited vakt.yml was saved before it was rewritten; null when not edited */
    public record UpReport(LabSettings settings, List<SiteReport> sites, boolean seeded, Path config, LabDns.Report dns,
            Path keptEdits) {}

    /** The settings of the last {@code lab up} in this directory, if any. */
    public Optional<LabSettings> settings() throws IOException {
        return LabSettings.read(layout.settingsFile());
    }

    /**
     * Creates what is missing and starts what is not running. Running servers are left alone, but
     * only when they were started with the same settings: changing an address, the port or TLS
     * needs a {@code lab down} first.
     */
    public UpReport up(LabSettings requested) throws IOException, SQLException {
        return up(requested, false);
    }

    /** As {@link #up(LabSettings)}; with {@code stonith} the config fences an old primary by powering it off ({@link LabPower}). */
    public UpReport up(LabSettings requested, boolean stonith) throws IOException, SQLException {
        return up(requested, stonith, false);
    }

    /**
     * As {@link #up(LabSettings, boolean)}; with {@code agents} (namespaces only) also a ZooKeeper server and a
     * {@code vakt run} agent in each of oslo, bergen and witness ({@link LabAgents}).
     */
    public UpReport up(LabSettings requested, boolean stonith, boolean agents) throws IOException, SQLException {
        if (agents && !requested.netns()) throw new LabException("--agents needs --netns (root): each agent in its site's namespace");
        Optional<LabSettings> recorded = settings();
        List<LabSite> running = new ArrayList<>();
        for (LabSite site : LabSite.values()) {
            if (liveProcess(server(site, recorded.orElse(requested))).isPresent()) running.add(site);
        }
        if (!running.isEmpty() && recorded.isPresent() && !recorded.get().equals(requested)) {
            throw new LabException("the lab in " + layout.dir() + " is running with " + recorded.get()
                    + "; you asked for " + requested + ". Stop it first: vakt lab down" + dirOption());
        }
        LabNetns netns = requested.netns() ? LabNetns.of(layout) : null;
        if (netns != null) netns.up(); // the addresses exist only inside the namespaces
        for (LabSite site : LabSite.values()) {
            if (!running.contains(site) && netns == null) requireFreePort(site, requested.address(site), requested.port());
        }

        Files.createDirectories(layout.dir());
        writeIfMissing(layout.dir().resolve(".gitignore"), "# Vakt lab: local data and secrets, never committed\n*\n");
        Path adminPassword = secret(layout.adminPasswordFile());
        secret(layout.replicationPasswordFile());
        Path apiToken = secret(layout.secretsDir().resolve("api.token"));
        TlsCerts certs = null;
        if (requested.tls()) {
            boolean addressesChanged = recorded.isPresent()
                    && (!recorded.get().osloAddress().equals(requested.osloAddress())
                            || !recorded.get().bergenAddress().equals(requested.bergenAddress()));
            if (addressesChanged) MariaDbServer.deleteTree(layout.tlsDir()); // the certificate names the addresses
            // Absolute: openssl runs inside the directory, so a relative path would be taken twice.
            certs = TlsCerts.create(layout.tlsDir().toAbsolutePath(), List.of(requested.osloAddress(), requested.bergenAddress()));
        }
        requested.write(layout.settingsFile());

        List<SiteReport> sites = new ArrayList<>();
        String password = Files.readString(adminPassword).trim();
        for (LabSite site : LabSite.values()) {
            MariaDbServer server = server(site, requested, certs);
            boolean wasRunning = running.contains(site);
            if (!wasRunning) server.start();
            SiteProfile.createAdminUser(server, ADMIN_USER, password, netns != null ? netns.accountHost() : SOURCE_ADDRESS,
                    DATABASES);
            Long pid = server.pid().orElse(null);
            sites.add(new SiteReport(site, server.host(), server.port(), pid, true,
                    wasRunning ? "already running" : "started"));
        }
        boolean seeded = false;
        if (!Files.exists(layout.seededMarker())) {
            LabDemoData.seed(server(LabSite.OSLO, requested, certs));
            Files.writeString(layout.seededMarker(), "demo database seeded by vakt lab up\n");
            seeded = true;
        }
        LabFiles files = new LabFiles(layout, requested);
        files.up();
        // A sandbox: a short cooldown so drills can be repeated (see LabNetns for the drill's lab parts).
        String yaml = configTemplate(requested, certs).render(files.configSection()).replace("cooldown: 1h", "cooldown: 1m");
        if (stonith) yaml = withFenceCommand(yaml, LabPower.fenceCommand(layout.dir()));
        if (netns != null) {
            yaml = netns.adaptConfig(yaml).replace("        health-url: ",
                    "        ssh: " + LabFiles.netnsSshAddress(layout) + "\n        health-url: ");
            netns.startWebServers();
        }
        LabDns labDns = new LabDns(layout);
        LabDns.Report dns = labDns.up(requested);
        yaml = labDns.withDrillService(labDns.withTraffic(yaml, dns), dns, requested.port());
        // The dashboard's operator actions (approve, switchover) take this token.
        yaml += "server:\n  listen: 127.0.0.1:8787\n  token-file: " + layout.relative(apiToken) + "\n";
        Path keptEdits = keepEdits(yaml);
        Files.writeString(layout.configFile(), yaml);
        Files.writeString(layout.generatedConfigFile(), yaml);
        if (agents) {
            try {
                LabAgents.of(layout).up(yaml);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the agents started", e);
            }
        }
        return new UpReport(requested, sites, seeded, layout.configFile(), dns, keptEdits);
    }

    /** The policy's {@code fence-command}, each argument single-quoted (a path may hold YAML's special characters). */
    static String withFenceCommand(String yaml, List<String> command) {
        String anchor = "  jurisdictions: [NO, EEA]\n";
        if (!yaml.contains(anchor)) throw new IllegalStateException("the lab config has no policy.jurisdictions line");
        StringBuilder line = new StringBuilder("  # STONITH stand-in: the old primary's mariadbd is killed (vakt lab power-off)\n"
                + "  fence-command: [");
        for (int i = 0; i < command.size(); i++) {
            line.append(i == 0 ? "" : ", ").append('\'').append(command.get(i).replace("'", "''")).append('\'');
        }
        return yaml.replace(anchor, anchor + line + "]\n");
    }

    /**
     * The config is rewritten on every {@code up} (addresses, ports and DNS ports may change), so an operator's
     * edit to it (a policy, an alert channel) is copied aside first instead of silently lost. Edited means: it
     * differs from what {@code up} wrote last, or that is unknown (a lab from before this was recorded).
     */
    private Path keepEdits(String next) throws IOException {
        Path config = layout.configFile();
        if (!Files.exists(config)) return null;
        String current = Files.readString(config);
        if (current.equals(next)) return null;
        Path generated = layout.generatedConfigFile();
        if (Files.exists(generated) && Files.readString(generated).equals(current)) return null;
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .format(LocalDateTime.now(ZoneOffset.UTC));
        Path kept = config.resolveSibling("vakt.yml.edited-" + stamp);
        Files.copy(config, kept, StandardCopyOption.REPLACE_EXISTING);
        return kept;
    }

    /** Stops both servers (SIGTERM, then SIGKILL if they hang); with {@code purge} also deletes the lab's files. */
    public List<SiteReport> down(boolean purge) throws IOException {
        LabSettings settings = settings().orElse(LabSettings.defaults());
        new LabMonitor(layout).stop(); // the demo's background vakt run, before the servers it watches
        if (settings.netns()) LabAgents.of(layout).down(); // the agents too, and their ZooKeeper servers
        Map<LabSite, Optional<ProcessHandle>> processes = new LinkedHashMap<>();
        for (LabSite site : LabSite.values()) {
            MariaDbServer server = server(site, settings);
            Optional<ProcessHandle> process = liveProcess(server);
            processes.put(site, process);
            // Both at once: a clean InnoDB shutdown takes seconds, no need to wait for them in turn.
            if (process.isPresent()) {
                process.get().destroy();
            } else {
                Files.deleteIfExists(server.pidFile()); // stale, left by a crash
            }
        }
        List<SiteReport> out = new ArrayList<>();
        for (LabSite site : LabSite.values()) {
            MariaDbServer server = server(site, settings);
            Optional<ProcessHandle> process = processes.get(site);
            if (process.isPresent() && !Daemons.awaitExit(process.get(), STOP_WAIT)) {
                process.get().destroyForcibly();
                Daemons.awaitExit(process.get(), STOP_WAIT);
            }
            boolean alive = process.map(ProcessHandle::isAlive).orElse(false);
            String action = process.isEmpty() ? "not running" : alive ? "STILL RUNNING" : "stopped";
            out.add(new SiteReport(site, server.host(), server.port(), process.map(ProcessHandle::pid).orElse(null),
                    alive, action));
        }
        new LabDns(layout).down();
        if (settings.netns()) LabNetns.of(layout).down();
        new LabFiles(layout, settings).down();
        if (purge) purge();
        return out;
    }

    /** Which lab servers run, from their pid files. */
    public List<SiteReport> status() throws IOException {
        LabSettings settings = settings().orElse(LabSettings.defaults());
        List<SiteReport> out = new ArrayList<>();
        for (LabSite site : LabSite.values()) {
            MariaDbServer server = server(site, settings);
            Optional<ProcessHandle> process = liveProcess(server);
            String action = process.isPresent() ? "running"
                    : Files.isDirectory(server.dataDir()) ? "stopped" : "not created";
            out.add(new SiteReport(site, server.host(), server.port(), process.map(ProcessHandle::pid).orElse(null),
                    process.isPresent(), action));
        }
        return out;
    }

    /** The mariadbd of a site as the lab configures it. */
    public MariaDbServer server(LabSite site, LabSettings settings) {
        TlsCerts certs = settings.tls() ? new TlsCerts(layout.tlsDir()) : null;
        return server(site, settings, certs);
    }

    private MariaDbServer server(LabSite site, LabSettings settings, TlsCerts certs) {
        Map<String, String> options = new LinkedHashMap<>(site.profile());
        if (certs != null) options.putAll(SiteProfile.tls(certs));
        if (settings.semiSync()) options.putAll(SiteProfile.semiSync(site == LabSite.OSLO, SEMI_SYNC_TIMEOUT_MS));
        return new MariaDbServer(site.siteName(), layout.siteHome(site), settings.address(site), settings.port(),
                options, settings.netns() ? LabNetns.of(layout).launcher(site) : List.of());
    }

    LabConfigTemplate configTemplate(LabSettings settings, TlsCerts certs) {
        return new LabConfigTemplate(CLUSTER,
                settings.osloAddress(), settings.port(), settings.bergenAddress(), settings.port(),
                ADMIN_USER, layout.relative(layout.adminPasswordFile()),
                REPLICATION_USER, layout.relative(layout.replicationPasswordFile()),
                DATABASES, FAILOVER_MODE,
                certs == null ? null : layout.relative(certs.ca()),
                settings.semiSync(), SOURCE_ADDRESS);
    }

    /**
     * The live mariadbd behind a pid file. A pid file left by a crash may name a pid the system has
     * since given to another program; that one must never be signalled.
     */
    public static Optional<ProcessHandle> liveProcess(MariaDbServer server) {
        return server.pid().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).filter(Lab::isMariaDb);
    }

    private static boolean isMariaDb(ProcessHandle h) {
        return h.info().command().map(c -> c.endsWith("mariadbd") || c.endsWith("mysqld")).orElse(true);
    }


    private void requireFreePort(LabSite site, String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            // Same as mariadbd: a socket in TIME_WAIT from a server just stopped does not block the port.
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new LabException(host + ":" + port + " (" + site.siteName() + ") is already in use"
                    + " (another MariaDB, or a lab in another directory?). Choose another port with --port "
                    + (port == LabSettings.DEFAULT_PORT ? 3307 : port + 1) + ", or stop what listens there.");
        }
    }

    private void purge() throws IOException {
        for (String name : OWNED) MariaDbServer.deleteTree(layout.dir().resolve(name));
        try (var rest = Files.list(layout.dir())) {
            if (rest.findAny().isEmpty()) Files.delete(layout.dir());
        } catch (java.nio.file.NoSuchFileException ignored) {
            // Nothing was there.
        }
    }

    private String dirOption() {
        return layout.dir().equals(LabLayout.DEFAULT_DIR) ? "" : " --dir " + layout.dir();
    }

    /** A random password in a 0600 file, created once and kept on later runs. */
    private static Path secret(Path file) throws IOException {
        if (Files.exists(file)) return file;
        Files.createDirectories(file.getParent(),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            return file;
        }
        Files.writeString(file, password + "\n");
        return file;
    }

    private static void writeIfMissing(Path file, String text) throws IOException {
        if (!Files.exists(file)) Files.writeString(file, text);
    }

    /** A lab request that cannot be carried out as asked; the message says what to do instead. */
    public static final class LabException extends RuntimeException {
        public LabException(String message) {
            super(message);
        }
    }
}
