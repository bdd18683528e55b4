package no.vakt.coordination;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Real ZooKeeper servers for tests: each a separate JVM ({@code QuorumPeerMain} from the test classpath's
 * ZooKeeper artifact) with a generated zoo.cfg on free loopback ports, 1 (standalone) or 3 (an ensemble).
 * {@link #kill(int)} is SIGKILL; {@link #start(int)} brings a server back on the same ports and data.
 * Public for the failover tests that run agents against them.
 * {@link #close()} kills them all and removes the data, and a shutdown hook does so if a test run dies first.
 */
public final class ZooKeeperServers implements AutoCloseable {
    /** The servers grant session timeouts of 2 to 20 ticks: 1 s to 10 s. */
    static final int TICK_MS = 500;
    private static final Duration READY = Duration.ofSeconds(30);

    private final Path dir;
    private final int[] clientPorts;
    private final Process[] processes;
    private final List<String> jvmOptions;
    private final Thread hook = new Thread(this::killAll, "zookeeper-servers-cleanup");

    private ZooKeeperServers(Path dir, int count, String extraConfig, List<String> jvmOptions) throws IOException {
        this.dir = dir;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.clientPorts = new int[count];
        this.processes = new Process[count];
        int[] quorum = new int[count];
        int[] election = new int[count];
        for (int i = 0; i < count; i++) {
            clientPorts[i] = freePort();
            quorum[i] = freePort();
            election[i] = freePort();
        }
        for (int i = 0; i < count; i++) {
            Path home = dir.resolve("zk" + (i + 1));
            Files.createDirectories(home.resolve("data"));
            StringBuilder cfg = new StringBuilder()
                    .append("tickTime=").append(TICK_MS).append('\n')
                    .append("initLimit=10\nsyncLimit=5\n")
                    .append("dataDir=").append(home.resolve("data")).append('\n')
                    .append("clientPort=").append(clientPorts[i]).append('\n')
                    .append("clientPortAddress=127.0.0.1\n")
                    .append("admin.enableServer=false\n")
                    .append("4lw.commands.whitelist=ruok,srvr\n")
                    .append(extraConfig);
            if (count > 1) {
                Files.writeString(home.resolve("data/myid"), String.valueOf(i + 1));
                for (int j = 0; j < count; j++) {
                    cfg.append("server.").append(j + 1).append("=127.0.0.1:").append(quorum[j]).append(':')
                            .append(election[j]).append('\n');
                }
            }
            Files.writeString(home.resolve("zoo.cfg"), cfg.toString());
        }
    }

    /** Starts {@code count} servers under {@code dir} and waits until they serve (an ensemble: a leader elected). */
    public static ZooKeeperServers start(Path dir, int count) throws IOException, InterruptedException {
        return start(dir, count, "");
    }

    /** As {@link #start(Path, int)}, with {@code extraConfig} (zoo.cfg lines, e.g. a secureClientPort) in every server's zoo.cfg. */
    static ZooKeeperServers start(Path dir, int count, String extraConfig) throws IOException, InterruptedException {
        return start(dir, count, extraConfig, List.of());
    }

    /** With {@code jvmOptions} on each server's command line too (e.g. its JAAS file for SASL). */
    static ZooKeeperServers start(Path dir, int count, String extraConfig, List<String> jvmOptions)
            throws IOException, InterruptedException {
        ZooKeeperServers s = new ZooKeeperServers(dir, count, extraConfig, jvmOptions);
        Runtime.getRuntime().addShutdownHook(s.hook);
        try {
            for (int i = 0; i < count; i++) s.launch(i);
            for (int i = 0; i < count; i++) s.awaitServing(i);
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** The client connect string of all servers. */
    public String connectString() {
        return java.util.Arrays.stream(clientPorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** SIGKILL of server {@code i} (0-based); waits until the process is gone. */
    void kill(int i) throws InterruptedException {
        Process p = processes[i];
        if (p == null) return;
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        processes[i] = null;
    }

    /** Starts server {@code i} again on its ports and data; waits until it serves. */
    void start(int i) throws IOException, InterruptedException {
        launch(i);
        awaitServing(i);
    }

    private void launch(int i) throws IOException {
        Path home = dir.resolve("zk" + (i + 1));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dzookeeper.jmx.log4j.disable=true"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "org.apache.zookeeper.server.quorum.QuorumPeerMain", home.resolve("zoo.cfg").toString()));
        processes[i] = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("server.log").toFile())).start();
    }

    /** 4lw: {@code ruok} answers imok once the server runs; {@code srvr} names its mode once it serves. */
    private void awaitServing(int i) throws InterruptedException {
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            Process p = processes[i];
            if (p == null || !p.isAlive()) throw new IllegalStateException("ZooKeeper server " + (i + 1) + " exited: " + log(i));
            if ("imok".equals(fourLetters(i, "ruok")) && fourLetters(i, "srvr").contains("Mode: ")) return;
            Thread.sleep(100); // polling a starting process: nothing to wait on instead
        }
        throw new IllegalStateException("ZooKeeper server " + (i + 1) + " did not serve within " + READY + ": " + log(i));
    }

    String fourLetters(int i, String command) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), clientPorts[i]), 500);
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

    private String log(int i) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("zk" + (i + 1)).resolve("server.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void killAll() {
        for (int i = 0; i < processes.length; i++) {
            Process p = processes[i];
            if (p != null) p.destroyForcibly();
        }
        for (Process p : processes) {
            if (p == null) continue;
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        killAll();
        java.util.Arrays.fill(processes, null);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook runs
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory: best effort
        }
    }
}
