package no.vakt.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import no.vakt.process.Daemons;

/**
 * One ZooKeeper server of the lab's ensemble: {@code QuorumPeerMain} from the ZooKeeper artifact inside Vakt's
 * own jar, as a separate JVM (in a site's namespace through {@code launcher}), with its zoo.cfg, data, pid file
 * and log under {@code home}. Like the lab's servers it outlives the JVM that started it.
 */
public final class LabZooKeeper {
    /** The servers grant session timeouts of 2 to 20 ticks: 1 s to 10 s. */
    static final int TICK_MS = 500;
    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);

    /** A server of the ensemble: its id ({@code myid}), address and three ports. */
    public record Member(int id, String host, int clientPort, int quorumPort, int electionPort) {
        public String clientAddress() {
            return host + ":" + clientPort;
        }
    }

    private final Path home;
    private final Member self;
    private final List<Member> ensemble;
    private final List<String> launcher;

    public LabZooKeeper(Path home, Member self, List<Member> ensemble, List<String> launcher) {
        this.home = home;
        this.self = self;
        this.ensemble = List.copyOf(ensemble);
        this.launcher = List.copyOf(launcher);
    }

    public Member self() {
        return self;
    }

    public Path configFile() {
        return home.resolve("zoo.cfg");
    }

    public Path logFile() {
        return home.resolve("zookeeper.log");
    }

    Path pidFile() {
        return home.resolve("zookeeper.pid");
    }

    Path dataDir() {
        return home.resolve("zk-data");
    }

    /** The client connect string of an ensemble. */
    public static String connectString(List<Member> ensemble) {
        return ensemble.stream().map(Member::clientAddress).collect(Collectors.joining(","));
    }

    /** zoo.cfg: the client port on the member's own address only; 4lw ruok and srvr for the lab's checks. */
    static String zooCfg(Path dataDir, Member self, List<Member> ensemble) {
        StringBuilder cfg = new StringBuilder("# Vakt lab: ZooKeeper server ").append(self.id())
                .append(", written by `vakt lab up --agents`\n")
                .append("tickTime=").append(TICK_MS).append('\n')
                .append("initLimit=10\nsyncLimit=5\n")
                .append("dataDir=").append(dataDir.toAbsolutePath()).append('\n')
                .append("clientPort=").append(self.clientPort()).append('\n')
                .append("clientPortAddress=").append(self.host()).append('\n')
                .append("admin.enableServer=false\n")
                .append("4lw.commands.whitelist=ruok,srvr\n");
        for (Member m : ensemble) {
            cfg.append("server.").append(m.id()).append('=').append(m.host()).append(':').append(m.quorumPort())
                    .append(':').append(m.electionPort()).append('\n');
        }
        return cfg.toString();
    }

    /** The live server behind the pid file (a java; a pid reused by another program is not signalled). */
    public Optional<ProcessHandle> running() {
        return Daemons.fromPidFile(pidFile(), c -> c.endsWith("java"), false);
    }

    /** Writes zoo.cfg and myid and starts the server unless it runs; does not wait (see {@link #awaitServing}). */
    public long launch() throws IOException {
        Optional<ProcessHandle> existing = running();
        if (existing.isPresent()) return existing.get().pid();
        Files.createDirectories(dataDir());
        Files.writeString(dataDir().resolve("myid"), self.id() + "\n");
        Files.writeString(configFile(), zooCfg(dataDir(), self, ensemble));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dzookeeper.jmx.log4j.disable=true", "-cp", System.getProperty("java.class.path"),
                "org.apache.zookeeper.server.quorum.QuorumPeerMain", configFile().toAbsolutePath().toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        Files.writeString(pidFile(), p.pid() + "\n"); // `ip netns exec` execs java: the same pid
        return p.pid();
    }

    /**
     * Waits until the server serves: {@code ruok} answers imok, {@code srvr} names its mode (an ensemble's
     * member has one once a majority elected a leader). Throws with the log's tail when it exits or the wait ends.
     */
    public void awaitServing(Duration max) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            // Any command: right after the launch the process may still be `ip netns exec`, not yet java.
            if (Daemons.fromPidFile(pidFile(), c -> true, true).isEmpty()) throw new IOException("ZooKeeper server " + self.id() + " exited: " + tail());
            if (mode().isPresent()) return;
            Thread.sleep(200); // polling a starting process: nothing to wait on instead
        }
        throw new IOException("ZooKeeper server " + self.id() + " at " + self.clientAddress() + " did not serve within "
                + max.toSeconds() + " s: " + tail());
    }

    /** leader, follower or standalone while it serves; empty when it does not answer or has no quorum. */
    public Optional<String> mode() {
        if (!"imok".equals(fourLetters("ruok"))) return Optional.empty();
        return fourLetters("srvr").lines().filter(l -> l.startsWith("Mode: ")).map(l -> l.substring(6).strip()).findFirst();
    }

    private String fourLetters(String command) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(self.host(), self.clientPort()), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write(command.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            return in.lines().collect(Collectors.joining("\n"));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }

    /** SIGTERM (SIGKILL after a grace period); true when one was stopped. */
    public boolean stop() throws IOException {
        Optional<ProcessHandle> p = running();
        p.ifPresent(h -> Daemons.stop(h, STOP_LIMIT));
        Files.deleteIfExists(pidFile());
        return p.isPresent();
    }

    /** SIGKILL, as a power cut would (the bench's quorum loss). */
    public boolean kill() throws IOException {
        Optional<ProcessHandle> p = running();
        p.ifPresent(h -> Daemons.kill(h, STOP_LIMIT));
        Files.deleteIfExists(pidFile());
        return p.isPresent();
    }

    private String tail() {
        return String.join("\n", Daemons.tail(logFile(), 15));
    }
}
