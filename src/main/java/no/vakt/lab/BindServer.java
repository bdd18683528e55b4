package no.vakt.lab;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import no.vakt.process.Daemons;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A throw-away BIND ({@code named} from Debian's bind9) serving one zone that accepts dynamic updates
 * signed with its own TSIG key, all files under {@code home}. Used by the lab and by the tests. named
 * daemonises; it is found again through its pid file, so another process can stop it.
 *
 * <p>named listens only on addresses an interface carries: on loopback that is 127.0.0.1 alone
 * (unlike mariadbd, it cannot serve 127.0.41.7 without {@code ip addr add}). Give each server its own port.
 */
public final class BindServer {
    /** named loads a small zone in well under a second; ten leave room for a busy machine. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path home;
    private final String address;
    private final int port;
    private final String zone;
    private final String keyName;
    private final List<String> alsoListenOn;

    /** @param zone absolute, like {@code lab.vakt.test.} */
    public BindServer(Path home, String address, int port, String zone, String keyName) {
        this(home, address, port, zone, keyName, List.of());
    }

    /** @param alsoListenOn further addresses on the same port (the agents lab's bridge, for agents in namespaces) */
    public BindServer(Path home, String address, int port, String zone, String keyName, List<String> alsoListenOn) {
        this.home = home.toAbsolutePath();
        this.address = address;
        this.port = port;
        this.zone = zone.endsWith(".") ? zone : zone + ".";
        this.keyName = keyName;
        this.alsoListenOn = List.copyOf(alsoListenOn);
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    public String zone() {
        return zone;
    }

    public Path home() {
        return home;
    }

    /** The key clause {@code tsig-keygen} wrote (0600): what a {@code key-file:} points at. */
    public Path keyFile() {
        return home.resolve("tsig.key");
    }

    public Path pidFile() {
        return home.resolve("named.pid");
    }

    public Path zoneFile() {
        return home.resolve("zone.db");
    }

    public Path log() {
        return home.resolve("named.log");
    }

    /**
     * Creates the key and the zone (with {@code records}, name relative to the zone -> IPv4 address,
     * at {@code ttl} seconds) when missing, and starts named unless it runs. An existing zone is kept:
     * the updates it took (in its journal) are the state a restart must not lose.
     */
    public void start(Map<String, String> records, long ttl) throws IOException {
        Files.createDirectories(home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (!Files.exists(keyFile())) generateKey(keyFile(), keyName);
        if (!Files.exists(zoneFile())) Files.writeString(zoneFile(), zoneText(records, ttl));
        Files.writeString(home.resolve("named.conf"), config());
        if (process().isPresent()) return;
        Files.deleteIfExists(pidFile());
        List<String> cmd = new ArrayList<>(List.of(Binaries.require("named"), "-c", home.resolve("named.conf").toString()));
        if (MariaDbServer.isRoot()) cmd.addAll(List.of("-u", "root"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("named.out").toFile())).start();
        try {
            // The parent returns once the daemon forked; a config error makes it exit non-zero.
            if (!p.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) p.destroyForcibly();
            else if (p.exitValue() != 0) throw new IOException("named exited with " + p.exitValue() + ": " + tail(home.resolve("named.out")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting named", e);
        }
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (answersSoa()) return;
            pause(50);
        }
        stop();
        throw new IOException("named did not answer for " + zone + " on " + address + ":" + port + " within "
                + START_TIMEOUT.toSeconds() + " s; see " + log() + tail(log()));
    }

    /** The running named behind the pid file; a pid the system gave to another program is never returned. */
    public Optional<ProcessHandle> process() {
        return Daemons.fromPidFile(pidFile(), c -> c.endsWith("/named"), true);
    }

    /** SIGTERM, then SIGKILL if it hangs; returns whether a server was running. */
    public boolean stop() {
        Optional<ProcessHandle> h = process();
        h.ifPresent(p -> Daemons.stop(p, STOP_TIMEOUT));
        return h.isPresent();
    }

    /** SIGKILL and remove every file: for throw-away servers (a clean stop takes named a second and a half). */
    public void destroy() throws IOException {
        process().ifPresent(h -> Daemons.kill(h, STOP_TIMEOUT));
        MariaDbServer.deleteTree(home);
    }

    /**
     * A port free for both TCP and UDP on {@code address} (a DNS server needs both): {@code preferred}
     * when it is free, else one the kernel picks. 0 prefers nothing.
     */
    public static int freePort(String address, int preferred) throws IOException {
        InetAddress a = InetAddress.getByName(address);
        if (preferred > 0 && free(a, preferred)) return preferred;
        // Bounded: 50 kernel-chosen TCP ports all taken for UDP would mean something else is wrong.
        for (int i = 0; i < 50; i++) {
            int port;
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(a, 0));
                port = s.getLocalPort();
            }
            if (free(a, port)) return port;
        }
        throw new IOException("no port free for TCP and UDP on " + address);
    }

    private static boolean free(InetAddress a, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(a, port));
        } catch (IOException e) {
            return false;
        }
        try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(a, port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes a fresh hmac-sha256 key clause with {@code tsig-keygen}, owner-only. */
    public static void generateKey(Path file, String name) throws IOException {
        Process p = new ProcessBuilder(Binaries.require("tsig-keygen"), "-a", "hmac-sha256", name).redirectErrorStream(false).start();
        String key;
        try {
            key = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("tsig-keygen failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running tsig-keygen", e);
        }
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, key);
    }

    private String config() {
        String dir = home.toString();
        return "# written by vakt: one zone, dynamic updates only with the TSIG key\n"
                + "include \"" + keyFile() + "\";\n"
                + "options {\n"
                + "  directory \"" + dir + "\";\n"
                + "  listen-on port " + port + " { " + address + "; " + alsoListenOn.stream().map(a -> a + "; ")
                        .collect(java.util.stream.Collectors.joining()) + "};\n"
                + "  listen-on-v6 { none; };\n"
                // BIND binds with SO_REUSEPORT by default: a second named on the same port would share its
                // queries silently instead of failing to start.
                + "  reuseport no;\n"
                + "  pid-file \"" + pidFile() + "\";\n"
                + "  session-keyfile \"" + home.resolve("session.key") + "\";\n"
                + "  managed-keys-directory \"" + dir + "\";\n"
                + "  recursion no;\n"
                + "  dnssec-validation no;\n"
                + "  notify no;\n"
                + "};\n"
                + "controls { };\n"
                + "logging { channel file { file \"" + log() + "\" versions 2 size 5m; severity info; print-time yes; };\n"
                + "  category default { file; }; };\n"
                + "zone \"" + zone + "\" {\n"
                + "  type primary;\n"
                + "  file \"" + zoneFile() + "\";\n"
                + "  update-policy { grant " + keyName + " zonesub ANY; };\n"
                + "};\n";
    }

    private String zoneText(Map<String, String> records, long ttl) {
        StringBuilder z = new StringBuilder();
        z.append("$ORIGIN ").append(zone).append('\n');
        z.append("$TTL ").append(ttl).append('\n');
        // Negative answers are cached for the last SOA field: keep it as short as the TTL.
        z.append("@ IN SOA ns hostmaster 1 60 60 3600 ").append(ttl).append('\n');
        z.append("@ IN NS ns\n");
        z.append("ns IN A ").append(address).append('\n');
        records.forEach((name, a) -> z.append(name).append(" IN A ").append(a).append('\n'));
        return z.toString();
    }

    private boolean answersSoa() {
        try {
            SimpleResolver r = new SimpleResolver(new InetSocketAddress(address, port));
            r.setTimeout(Duration.ofMillis(300));
            Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(zone), Type.SOA, DClass.IN)));
            return m.getRcode() == Rcode.NOERROR && m.getSection(org.xbill.DNS.Section.ANSWER).size() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path log) {
        return "\n  " + String.join("\n  ", Daemons.tail(log, 8));
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for named", e);
        }
    }
}
