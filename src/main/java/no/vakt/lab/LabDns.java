package no.vakt.lab;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The lab's DNS: a BIND serving {@code lab.vakt.test.} with a TSIG key, whose {@code app} record (TTL
 * 5 s) the lab config's {@code traffic:} entry keeps pointing at the primary. Lives in {@code dns/}
 * under the lab directory; named listens on 127.0.0.1 (the only loopback address an interface carries)
 * on a port chosen once and recorded in {@code dns/dns.properties}.
 */
public final class LabDns {
    public static final String ZONE = "lab.vakt.test.";
    public static final String RECORD = "app";
    public static final String KEY_NAME = "vakt-lab";
    static final String ADDRESS = "127.0.0.1";
    /** Short, so a failover in the lab is visible to clients within seconds. */
    static final long TTL_SECONDS = 5;
    /** Tried first; any free port when taken (several labs, or something else listens). */
    static final int PREFERRED_PORT = 5300;

    private final LabLayout layout;

    public LabDns(LabLayout layout) {
        this.layout = layout;
    }

    /** What {@code lab up} did about DNS. {@code port} is 0 when skipped. */
    public record Report(String action, int port, Long pid, boolean running) {
        public String line() {
            return String.format("  %-7s %-8s %-21s %-16s %s", "dns", "bind", running ? ADDRESS + ":" + port : "-", action,
                    pid == null ? "" : "pid " + pid).stripTrailing();
        }
    }

    public Path home() {
        return layout.dir().resolve("dns");
    }

    /** Starts (creating the first time) the lab's BIND, with {@code app} at the primary's address. */
    public Report up(LabSettings settings) throws IOException {
        if (Binaries.find("named").isEmpty() || Binaries.find("tsig-keygen").isEmpty()) {
            return new Report("skipped: named not installed (apt-get install bind9 bind9-utils)", 0, null, false);
        }
        if (settings.osloAddress().equals(settings.bergenAddress())) {
            return new Report("skipped: oslo and bergen share " + settings.osloAddress()
                    + "; a DNS switch needs distinct addresses", 0, null, false);
        }
        BindServer bind = server().orElse(null);
        boolean wasRunning = bind != null && bind.process().isPresent();
        if (bind == null) bind = create();
        bind.start(Map.of(RECORD, settings.osloAddress()), TTL_SECONDS);
        return new Report(wasRunning ? "already running" : "started", bind.port(), bind.process().map(ProcessHandle::pid)
                .orElse(null), true);
    }

    /** Stops the lab's BIND; the zone and its journal stay (purge removes them with the lab). */
    public Report down() {
        Optional<BindServer> bind = server();
        if (bind.isEmpty()) return new Report("not created", 0, null, false);
        Long pid = bind.get().process().map(ProcessHandle::pid).orElse(null);
        bind.get().stop();
        boolean alive = bind.get().process().isPresent();
        return new Report(pid == null ? "not running" : alive ? "STILL RUNNING" : "stopped", bind.get().port(), pid, alive);
    }

    public Report status() {
        Optional<BindServer> bind = server();
        if (bind.isEmpty()) return new Report("not created", 0, null, false);
        Optional<ProcessHandle> p = bind.get().process();
        return new Report(p.isPresent() ? "running" : "stopped", bind.get().port(), p.map(ProcessHandle::pid).orElse(null),
                p.isPresent());
    }

    /**
     * The lab config with its {@code traffic:} section filled in when DNS runs. The template renders
     * {@code traffic: []}; the section is swapped here so the template stays DNS-agnostic.
     */
    public String withTraffic(String config, Report report) {
        if (!report.running()) return config;
        if (!config.contains("traffic: []\n")) throw new IllegalStateException("the lab template no longer renders traffic: []");
        String entry = "traffic:\n"
                + "  # app." + ZONE + " follows the primary: a failover repoints it (dig @" + address() + " -p " + report.port()
                + " app." + ZONE + ")\n"
                + "  - type: rfc2136\n"
                + "    zone: " + ZONE + "\n"
                + "    record: " + RECORD + "\n"
                + "    ttl: " + TTL_SECONDS + "s\n"
                + "    server: " + address() + ":" + report.port() + "\n"
                + "    key-file: " + layout.relative(home().resolve("tsig.key")) + "\n";
        return config.replace("traffic: []\n", entry);
    }

    /**
     * Points the drill's load at {@code app.<zone>} through this BIND, as an application resolves its
     * service name, so a drill measures the traffic switch too.
     */
    public String withDrillService(String config, Report report, int mysqlPort) {
        if (!report.running()) return config;
        String service = "  service: {name: " + RECORD + "." + ZONE.substring(0, ZONE.length() - 1) + ", dns-server: "
                + address() + ":" + report.port() + ", port: " + mysqlPort + "}\n";
        return config.contains("\ndrills:\n") ? config.replace("\ndrills:\n", "\ndrills:\n" + service)
                : config + "drills:\n" + service;
    }

    private Optional<BindServer> server() {
        Path props = home().resolve("dns.properties");
        if (!Files.exists(props)) return Optional.empty();
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(props)) {
            p.load(r);
            return Optional.of(bind(Integer.parseInt(p.getProperty("port"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private BindServer create() throws IOException {
        int port = BindServer.freePort(address(), PREFERRED_PORT);
        Files.createDirectories(home());
        Properties p = new Properties();
        p.setProperty("port", Integer.toString(port));
        try (Writer w = Files.newBufferedWriter(home().resolve("dns.properties"))) {
            p.store(w, "Vakt lab DNS, written by `vakt lab up`");
        }
        return bind(port);
    }

    private BindServer bind(int port) {
        Optional<String> bridge = bridgeAddress();
        return bridge.isPresent() ? new BindServer(home(), bridge.get(), port, ZONE, KEY_NAME, List.of(ADDRESS))
                : new BindServer(home(), ADDRESS, port, ZONE, KEY_NAME);
    }

    /** Where the configs send updates and queries (and the zone's NS points): the bridge in a --netns lab. */
    private String address() {
        return bridgeAddress().orElse(ADDRESS);
    }

    /**
     * In a --netns lab the bridge's address first (127.0.0.1 too): agents in the namespaces (lab up --agents)
     * switch traffic from there, and the host's 127.0.0.1 is not theirs.
     */
    private Optional<String> bridgeAddress() {
        try {
            Optional<LabSettings> s = LabSettings.read(layout.settingsFile());
            return s.isPresent() && s.get().netns() ? Optional.of(LabNetns.of(layout).monitorAddress()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
