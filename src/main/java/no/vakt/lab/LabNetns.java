package no.vakt.lab;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import no.vakt.process.Daemons;

/**
 * The lab with each site in its own network namespace ({@code vakt lab up --netns}, root only), so a
 * drill can cut a site off with iptables exactly as the seeds' war game does.
 *
 * <pre>
 *   host (monitor .1, load .3) -- bridge PREFIXbr 10.246.N.0/24
 *        |-- veth PREFIXoh == PREFIXon in namespace PREFIXoslo    10.246.N.11  mariadbd, web server :80
 *        |-- veth PREFIXbh == PREFIXbn in namespace PREFIXbergen  10.246.N.12  mariadbd, web server :80
 * </pre>
 *
 * One bridge (layer 2), so the sites reach each other and the host without IP forwarding. The monitor
 * connects from the bridge's first address (.1); the drill's load comes from a second one (.3), so
 * partition-monitor can cut the monitor alone. Each site's namespace has two empty chains,
 * {@code VAKT-DRILL-IN} and {@code VAKT-DRILL-OUT}, jumped to from INPUT and OUTPUT: faults add rules
 * there and removing a fault flushes them. Deleting the namespaces removes everything, rules included.
 */
public final class LabNetns {
    public static final String DEFAULT_PREFIX = "vakt-";
    public static final int DEFAULT_OCTET = 1;
    public static final int WEB_PORT = 80;
    /** The third namespace of an agents lab ({@code lab up --agents}): a ZooKeeper server and an agent, no database. */
    public static final String WITNESS = "witness";
    static final String CHAIN_IN = "VAKT-DRILL-IN";
    static final String CHAIN_OUT = "VAKT-DRILL-OUT";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    /** A JVM starts its HTTP server in well under a second; a busy 2-core CI box gets fifteen. */
    private static final Duration WEB_START = Duration.ofSeconds(15);

    private final LabLayout layout;
    private final String prefix;
    private final int octet;

    LabNetns(LabLayout layout, String prefix, int octet) {
        if (!prefix.matches("[a-z0-9-]{1,8}")) throw new IllegalArgumentException("netns prefix: 1-8 of a-z 0-9 -");
        if (octet < 0 || octet > 255) throw new IllegalArgumentException("netns octet: 0..255");
        this.layout = layout;
        this.prefix = prefix;
        this.octet = octet;
    }

    /** The namespaces of the lab in this directory (as recorded by {@link #configure}, else the defaults). */
    public static LabNetns of(LabLayout layout) {
        Properties p = new Properties();
        Path file = file(layout);
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new Lab.LabException("cannot read " + file + ": " + e.getMessage());
            }
        }
        return new LabNetns(layout, p.getProperty("prefix", DEFAULT_PREFIX),
                Integer.parseInt(p.getProperty("octet", Integer.toString(DEFAULT_OCTET))));
    }

    /** Records the names and subnet for this lab directory (tests use their own, prefixed vkd-). */
    public static LabNetns configure(LabLayout layout, String prefix, int octet) throws IOException {
        LabNetns n = new LabNetns(layout, prefix, octet);
        Files.createDirectories(layout.dir());
        Properties p = new Properties();
        p.setProperty("prefix", prefix);
        p.setProperty("octet", Integer.toString(octet));
        try (Writer w = Files.newBufferedWriter(file(layout))) {
            p.store(w, "Vakt lab network namespaces, written by `vakt lab up --netns`");
        }
        return n;
    }

    private static Path file(LabLayout layout) {
        return layout.dir().resolve("netns.properties");
    }

    /** Why namespaces cannot be used here, or empty when they can. */
    public static Optional<String> unavailableReason() {
        if (!MariaDbServer.isRoot()) return Optional.of("network namespaces need root (ip netns, iptables)");
        for (String tool : List.of("ip", "iptables")) {
            if (Binaries.find(tool).isEmpty()) return Optional.of(tool + " is not installed (scripts/install-prereqs)");
        }
        return Optional.empty();
    }

    // ---- names and addresses ----

    public String namespace(LabSite site) {
        return prefix + site.siteName();
    }

    /** The namespace of a lab member by name: a site's, or the witness's ({@link #WITNESS}). */
    public String namespace(String member) {
        return prefix + member;
    }

    String bridge() {
        return prefix + "br";
    }

    String hostVeth(LabSite site) {
        return hostVeth(site.siteName());
    }

    private String hostVeth(String member) {
        return prefix + member.charAt(0) + "h";
    }

    public String siteVeth(LabSite site) {
        return siteVeth(site.siteName());
    }

    /** The member's end of its veth, inside its namespace. */
    public String siteVeth(String member) {
        return prefix + member.charAt(0) + "n";
    }

    public String address(LabSite site) {
        return "10.246." + octet + "." + (site == LabSite.OSLO ? 11 : 12);
    }

    /** The address of a member by name: a site's, or the witness's (.13). */
    public String address(String member) {
        return member.equals(WITNESS) ? "10.246." + octet + ".13" : address(LabSite.valueOf(member.toUpperCase(java.util.Locale.ROOT)));
    }

    public List<String> launcher(String member) {
        return List.of("ip", "netns", "exec", namespace(member));
    }

    /** Where the monitor's connections come from (the bridge's first address). */
    public String monitorAddress() {
        return "10.246." + octet + ".1";
    }

    /** Where the drill's load comes from: an application that is not the monitor. */
    public String loadAddress() {
        return "10.246." + octet + ".3";
    }

    /** The host part of accounts for connections from the host side (monitor and load). */
    public String accountHost() {
        return "10.246." + octet + ".0/255.255.255.0";
    }

    public List<String> launcher(LabSite site) {
        return List.of("ip", "netns", "exec", namespace(site));
    }

    public URI healthUrl(LabSite site) {
        return URI.create("http://" + address(site) + "/health");
    }

    /** The site whose namespace holds this address, if any. */
    public Optional<LabSite> siteAt(String host) {
        for (LabSite s : LabSite.values()) if (address(s).equals(host)) return Optional.of(s);
        return Optional.empty();
    }

    public boolean exists() {
        try {
            return run(List.of("ip", "netns", "list")).lines().anyMatch(l -> l.split(" ")[0].equals(namespace(LabSite.OSLO)));
        } catch (IOException e) {
            return false;
        }
    }

    // ---- up and down ----

    /** Creates what is missing: bridge, namespaces, veths, addresses, the drill chains. Safe to repeat. */
    public void up() throws IOException {
        unavailableReason().ifPresent(r -> {
            throw new Lab.LabException(r);
        });
        try {
            if (!linkExists(bridge())) {
                run(List.of("ip", "link", "add", bridge(), "type", "bridge"));
                run(List.of("ip", "addr", "add", monitorAddress() + "/24", "dev", bridge()));
                run(List.of("ip", "addr", "add", loadAddress() + "/24", "dev", bridge()));
                run(List.of("ip", "link", "set", bridge(), "up"));
            }
            if (runStatus(concat(List.of("iptables", "-C"), forwardRule())) != 0) {
                run(concat(List.of("iptables", "-I"), forwardRule()));
            }
            for (LabSite site : LabSite.values()) memberUp(site.siteName());
        } catch (IOException | RuntimeException e) {
            downQuietly();
            throw e;
        }
    }

    /** Adds the witness's namespace to a lab that is up (for {@code --agents}); safe to repeat. */
    public void witnessUp() throws IOException {
        try {
            memberUp(WITNESS);
        } catch (IOException | RuntimeException e) {
            downQuietly();
            throw e;
        }
    }

    private void memberUp(String member) throws IOException {
        String ns = namespace(member);
        if (run(List.of("ip", "netns", "list")).lines().noneMatch(l -> l.split(" ")[0].equals(ns))) {
            run(List.of("ip", "netns", "add", ns));
        }
        if (!linkExists(hostVeth(member))) {
            run(List.of("ip", "link", "add", hostVeth(member), "type", "veth", "peer", "name", siteVeth(member)));
            run(List.of("ip", "link", "set", siteVeth(member), "netns", ns));
            run(List.of("ip", "link", "set", hostVeth(member), "master", bridge()));
            run(List.of("ip", "link", "set", hostVeth(member), "up"));
            inNs(member, "ip", "addr", "add", address(member) + "/24", "dev", siteVeth(member));
            inNs(member, "ip", "link", "set", siteVeth(member), "up");
            inNs(member, "ip", "link", "set", "lo", "up");
        }
        for (String[] c : new String[][] {{CHAIN_IN, "INPUT"}, {CHAIN_OUT, "OUTPUT"}}) {
            if (runStatus(List.of("ip", "netns", "exec", ns, "iptables", "-L", c[0], "-n")) != 0) {
                inNs(member, "iptables", "-N", c[0]);
                inNs(member, "iptables", "-I", c[1], "-j", c[0]);
            }
        }
    }

    /** Stops the web servers, deletes the namespaces (their veths and rules go with them) and the bridge. */
    public List<String> down() {
        List<String> done = new ArrayList<>();
        for (LabSite site : LabSite.values()) {
            stopWeb(site).ifPresent(done::add);
            if (runStatus(List.of("ip", "netns", "del", namespace(site))) == 0) done.add("deleted namespace " + namespace(site));
            runStatus(List.of("ip", "link", "del", hostVeth(site))); // normally gone with the namespace
        }
        // The witness of an agents lab (its ZooKeeper server and agent are stopped before).
        if (runStatus(List.of("ip", "netns", "del", namespace(WITNESS))) == 0) done.add("deleted namespace " + namespace(WITNESS));
        runStatus(List.of("ip", "link", "del", hostVeth(WITNESS)));
        if (runStatus(List.of("ip", "link", "del", bridge())) == 0) done.add("deleted bridge " + bridge());
        // Bounded: one rule is inserted per up; a few more cover ups that were interrupted and repeated.
        for (int i = 0; i < 10 && runStatus(concat(List.of("iptables", "-D"), forwardRule())) == 0; i++) {
            if (i == 0) done.add("removed the host's FORWARD rule for " + bridge());
        }
        return done;
    }

    /**
     * Lets the sites reach each other through the bridge on hosts whose FORWARD policy is DROP (Docker
     * sets it): with br_netfilter loaded, bridged frames pass the host's iptables FORWARD chain.
     */
    private List<String> forwardRule() {
        return List.of("FORWARD", "-i", bridge(), "-o", bridge(), "-j", "ACCEPT");
    }

    private void downQuietly() {
        try {
            down();
        } catch (RuntimeException ignored) {
            // Best effort on a failed up: the caller reports the first error.
        }
    }

    // ---- web servers ----

    public Path uploadsDir(LabSite site) {
        return layout.siteHome(site).resolve("uploads");
    }

    private Path webPid(LabSite site) {
        return layout.siteHome(site).resolve("web.pid");
    }

    /** Starts each site's web server inside its namespace (when not running) and waits for /health. */
    public void startWebServers() throws IOException {
        for (LabSite site : LabSite.values()) {
            if (webProcess(site).isPresent()) continue;
            Files.createDirectories(uploadsDir(site));
            Path index = uploadsDir(site).resolve("index.html");
            if (!Files.exists(index)) Files.writeString(index, "<h1>Vakt lab: " + site.siteName() + "</h1>\n");
            Files.deleteIfExists(webPid(site));
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            List<String> cmd = new ArrayList<>(launcher(site));
            cmd.addAll(List.of(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"), SiteWebServer.class.getName(),
                    address(site), Integer.toString(WEB_PORT), site.siteName(), uploadsDir(site).toString(),
                    webPid(site).toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.siteHome(site).resolve("web.out").toFile())).start();
            awaitHealthy(site, p);
        }
    }

    private void awaitHealthy(LabSite site, Process p) throws IOException {
        Instant deadline = Instant.now().plus(WEB_START);
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) throw new IOException("the web server of " + site.siteName() + " exited; see "
                    + layout.siteHome(site).resolve("web.out"));
            if (healthy(site)) return;
            sleep(100);
        }
        p.destroyForcibly();
        throw new IOException("the web server of " + site.siteName() + " did not answer within " + WEB_START.toSeconds() + " s");
    }

    public boolean healthy(LabSite site) {
        try {
            HttpURLConnection c = (HttpURLConnection) healthUrl(site).toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(500);
            try {
                return c.getResponseCode() == 200;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private Optional<ProcessHandle> webProcess(LabSite site) {
        try {
            if (!Files.exists(webPid(site))) return Optional.empty();
            long pid = Long.parseLong(Files.readString(webPid(site)).trim());
            // The command line is truncated by the JDK for a long class path; the executable is reliable: a
            // pid reused by another program after a crash is not a java.
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private Optional<String> stopWeb(LabSite site) {
        Optional<ProcessHandle> h = webProcess(site);
        h.ifPresent(p -> Daemons.stop(p, Duration.ofSeconds(5)));
        try {
            Files.deleteIfExists(webPid(site));
        } catch (IOException ignored) {
            // A stale pid file is harmless: its pid is checked before use.
        }
        return h.map(p -> "stopped the web server of " + site.siteName());
    }

    // ---- the config ----

    /**
     * The lab config for namespaces: each node's own source address (the replication accounts), its
     * health URL, and the drill's load address.
     */
    public String adaptConfig(String yaml) {
        String out = yaml;
        for (LabSite site : LabSite.values()) {
            int i = out.indexOf("        source-address: ", out.indexOf("- name: " + site.nodeName()));
            int end = out.indexOf('\n', i);
            out = out.substring(0, i) + "        source-address: " + address(site) + "\n        health-url: "
                    + healthUrl(site) + out.substring(end);
        }
        return out + "drills:\n  load-source-address: " + loadAddress() + "\n";
    }

    // ---- faults: rules in the site's drill chains ----

    /** Adds the rules to the site's drill chains: {@code in} to INPUT's, {@code out} to OUTPUT's. */
    public void addRules(LabSite site, List<List<String>> in, List<List<String>> out) throws IOException {
        addRules(site.siteName(), in, out);
    }

    /** As {@link #addRules(LabSite, List, List)} in a member's namespace by name (a site or the witness). */
    public void addRules(String member, List<List<String>> in, List<List<String>> out) throws IOException {
        for (List<String> r : in) inNs(member, concat(List.of("iptables", "-A", CHAIN_IN), r));
        for (List<String> r : out) inNs(member, concat(List.of("iptables", "-A", CHAIN_OUT), r));
    }

    /** Removes every drill rule of the site (both chains flushed). */
    public void clearRules(LabSite site) throws IOException {
        clearRules(site.siteName());
    }

    public void clearRules(String member) throws IOException {
        inNs(member, "iptables", "-F", CHAIN_IN);
        inNs(member, "iptables", "-F", CHAIN_OUT);
    }

    // ---- processes ----

    private void inNs(String member, String... cmd) throws IOException {
        inNs(member, List.of(cmd));
    }

    private void inNs(String member, List<String> cmd) throws IOException {
        run(concat(launcher(member), cmd));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static boolean linkExists(String name) {
        return runStatus(List.of("ip", "link", "show", name)) == 0;
    }

    private static String run(List<String> cmd) throws IOException {
        Result r = exec(cmd);
        if (r.status != 0) throw new IOException(String.join(" ", cmd) + " failed (" + r.status + "): " + r.output.strip());
        return r.output;
    }

    private static int runStatus(List<String> cmd) {
        try {
            return exec(cmd).status;
        } catch (IOException e) {
            return -1;
        }
    }

    private record Result(int status, String output) {}

    private static Result exec(List<String> cmd) throws IOException {
        List<String> resolved = new ArrayList<>(cmd);
        resolved.set(0, Binaries.find(cmd.get(0)).orElse(cmd.get(0)));
        Process p = new ProcessBuilder(resolved).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish within " + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            return new Result(p.exitValue(), out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
