package no.vakt.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.vakt.cluster.Sleeper;
import no.vakt.config.VaktConfig;
import no.vakt.traffic.TrafficProvider.ApplyOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The haproxy provider against a real HAProxy the test starts: a TCP frontend, a backend "db" with two servers
 * (oslo, bergen) that are tiny TCP listeners answering their own name, and stats sockets (unix, admin; TCP,
 * admin and operator).
 */
class HaproxyTrafficTest {
    static final String HAPROXY = "/usr/sbin/haproxy";
    static final String FRONT = "127.0.42.30";
    static final String OSLO_ADDR = "127.0.42.31";
    static final String BERGEN_ADDR = "127.0.42.32";

    @TempDir
    Path dir;

    Process haproxy;
    final List<ServerSocket> listeners = new ArrayList<>();
    final List<Socket> accepted = Collections.synchronizedList(new ArrayList<>());
    Path socket;
    int frontPort;
    int adminPort;
    int operatorPort;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(HAPROXY)), "haproxy is not installed (scripts/install-prereqs installs it)");
        int osloPort = listener(OSLO_ADDR, "oslo");
        int bergenPort = listener(BERGEN_ADDR, "bergen");
        int[] ports = distinctFreePorts(FRONT, 3);
        frontPort = ports[0];
        adminPort = ports[1];
        operatorPort = ports[2];
        socket = dir.resolve("admin.sock");
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, """
                global
                  log stderr format raw local0 info
                  stats socket %s mode 600 level admin
                  stats socket ipv4@%s:%d level admin
                  stats socket ipv4@%s:%d level operator
                defaults
                  mode tcp
                  log global
                  option tcplog
                  timeout connect 1s
                  timeout client 30s
                  timeout server 30s
                frontend fe
                  bind %s:%d
                  default_backend db
                backend db
                  server oslo %s:%d
                  server bergen %s:%d disabled
                backend other
                  server x %s:%d
                """.formatted(socket, FRONT, adminPort, FRONT, operatorPort, FRONT, frontPort, OSLO_ADDR, osloPort,
                BERGEN_ADDR, bergenPort, OSLO_ADDR, osloPort));
        haproxy = new ProcessBuilder(HAPROXY, "-f", cfg.toString(), "-db")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile())
                .start();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            if (!haproxy.isAlive()) throw new IllegalStateException("haproxy exited: " + Files.readString(dir.resolve("haproxy.log")));
            return Files.exists(socket) && reachable(FRONT, frontPort);
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(5, TimeUnit.SECONDS)) haproxy.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        for (Socket s : List.copyOf(accepted)) s.close();
        for (ServerSocket l : listeners) l.close();
    }

    private VaktConfig config(String where, String backend) throws IOException {
        return TrafficTestConfig.load(dir, """
                  - type: haproxy
                    %s
                    backend: %s
                    servers: {oslo-db: oslo, bergen-db: bergen}
                    timeout: 2s
                """.formatted(where, backend));
    }

    private TrafficProvider open(String where, String backend) throws Exception {
        VaktConfig c = config(where, backend);
        return TrafficEntry.of(c.traffic().get(0)).open(c);
    }

    @Test
    void statesFlipAndNewConnectionsReachTheNewServer() throws Exception {
        TrafficProvider p = open("socket: " + socket, "db");
        assertThat(p.describe()).isEqualTo("haproxy backend db via " + socket);
        p.checkAccess();
        assertThat(p.show()).isEqualTo(new TrafficProvider.PointsAt(List.of("oslo=UP", "bergen=MAINT"), "oslo-db", null));
        assertThat(nameThroughFrontend()).isEqualTo("oslo");

        assertThat(p.apply("bergen-db", 2)).isEqualTo(ApplyOutcome.CHANGED);
        assertThat(p.verify("bergen-db", Duration.ofSeconds(5))).isLessThan(Duration.ofSeconds(5));

        assertThat(p.show()).isEqualTo(new TrafficProvider.PointsAt(List.of("oslo=MAINT", "bergen=UP"), "bergen-db", null));
        assertThat(nameThroughFrontend()).isEqualTo("bergen");
        // and back, over the TCP stats socket this time
        TrafficProvider tcp = open("address: " + FRONT + ":" + adminPort, "db");
        assertThat(tcp.apply("oslo-db", 3)).isEqualTo(ApplyOutcome.CHANGED);
        tcp.verify("oslo-db", Duration.ofSeconds(5));
        assertThat(nameThroughFrontend()).isEqualTo("oslo");
    }

    @Test
    void reApplyingTheSameTargetSendsNoCommand() throws Exception {
        VaktConfig c = config("socket: " + socket, "db");
        HaproxyEntry entry = (HaproxyEntry) c.traffic().get(0);
        List<String> sent = Collections.synchronizedList(new ArrayList<>());
        HaproxyRuntime recording = new HaproxyRuntime(entry) {
            @Override
            String execute(String command) throws TrafficException {
                sent.add(command);
                return super.execute(command);
            }
        };
        HaproxyProvider p = new HaproxyProvider(entry, EntryTargets.of("db", entry.servers()), recording, Clock.systemUTC(),
                Sleeper.REAL);
        assertThat(p.apply("oslo-db", 1)).isEqualTo(ApplyOutcome.UNCHANGED);
        assertThat(sent).containsExactly("show servers state db");

        sent.clear();
        assertThat(p.apply("bergen-db", 2)).isEqualTo(ApplyOutcome.CHANGED);
        // the old server leaves (and its sessions are cut) before the new one is admitted
        assertThat(sent).containsExactly("show servers state db", "set server db/oslo state maint",
                "shutdown sessions server db/oslo", "set server db/bergen state ready");

        sent.clear();
        assertThat(p.apply("bergen-db", 2)).isEqualTo(ApplyOutcome.UNCHANGED);
        assertThat(sent).containsExactly("show servers state db");
    }

    @Test
    void openConnectionsToTheOldServerAreCut() throws Exception {
        TrafficProvider p = open("socket: " + socket, "db");
        try (Connected client = connectThroughFrontend()) {
            assertThat(client.name()).isEqualTo("oslo");
            p.apply("bergen-db", 2);
            // a pooled connection to the old primary must not survive the switch
            assertThat(client.in().read()).isEqualTo(-1);
        }
    }

    @Test
    void unknownBackendOrServerFailsClearlyAndAtOnce() throws Exception {
        TrafficException noBackend = catchThrowableOfType(() -> open("socket: " + socket, "nosuch").apply("bergen-db", 1),
                TrafficException.class);
        assertThat(noBackend.retryable()).isFalse();
        assertThat(noBackend.getMessage()).contains("backend 'nosuch' cannot be read: Can't find backend.");

        TrafficException noServer = catchThrowableOfType(() -> open("socket: " + socket, "other").checkAccess(), TrafficException.class);
        assertThat(noServer.retryable()).isFalse();
        assertThat(noServer.getMessage()).contains("backend 'other' has no server 'oslo' (for node oslo-db); it has: x");
    }

    @Test
    void anOperatorLevelSocketIsRefusedClearly() throws Exception {
        TrafficProvider p = open("address: " + FRONT + ":" + operatorPort, "db");
        TrafficException check = catchThrowableOfType(p::checkAccess, TrafficException.class);
        assertThat(check.retryable()).isFalse();
        assertThat(check.getMessage()).contains("level operator").contains("level admin");
        TrafficException apply = catchThrowableOfType(() -> p.apply("bergen-db", 1), TrafficException.class);
        assertThat(apply.getMessage()).contains("Permission denied").contains("level admin");
        // nothing changed
        assertThat(open("socket: " + socket, "db").show().node()).isEqualTo("oslo-db");
    }

    @Test
    void aStoppedHaproxyIsRetryable() throws Exception {
        TrafficProvider p = open("socket: " + socket, "db");
        haproxy.destroy();
        haproxy.waitFor(5, TimeUnit.SECONDS);
        TrafficException e = catchThrowableOfType(p::show, TrafficException.class);
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("cannot talk to the runtime API");
    }

    /** A connection through the frontend, open, after the backend server sent its name. */
    private record Connected(Socket socket, BufferedReader in, String name) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private String nameThroughFrontend() throws IOException {
        try (Connected c = connectThroughFrontend()) {
            return c.name();
        }
    }

    /**
     * Opens a connection through the frontend and reads the name the backend server answers. A few attempts
     * (bounded): on a loaded machine a forwarded connection has stalled now and then; a failure after all of
     * them carries haproxy's own log (tcplog: one line per connection, with its termination state, so a stall
     * says whether haproxy reached the server).
     */
    private Connected connectThroughFrontend() throws IOException {
        IOException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            Socket s = new Socket(FRONT, frontPort);
            try {
                s.setSoTimeout(5_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                String name = in.readLine();
                if (name != null) return new Connected(s, in, name);
                s.close();
            } catch (IOException e) {
                s.close();
                last = e;
            }
        }
        throw new IOException("no answer through haproxy's frontend; haproxy log: "
                + Files.readString(dir.resolve("haproxy.log")), last);
    }

    /** A TCP server that writes its name to each connection and keeps it open, like a database would. */
    private int listener(String address, String name) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
        listeners.add(ss);
        Thread t = new Thread(() -> {
            while (!ss.isClosed()) {
                Socket s;
                try {
                    s = ss.accept();
                } catch (IOException e) {
                    return; // closed by stop()
                }
                accepted.add(s);
                try {
                    OutputStream out = s.getOutputStream();
                    out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } catch (IOException e) {
                    // This client left first (start()'s reachability probe closes at once, and haproxy with it):
                    // only this connection is lost. Ending the loop here stopped the listener for the rest of the
                    // test, and every later connection through haproxy then waited in the backlog unanswered.
                }
            }
        }, "listener-" + name);
        t.setDaemon(true);
        t.start();
        return ss.getLocalPort();
    }

    /**
     * Held open together, so the ports differ: one at a time the kernel may hand out the same port again, and
     * haproxy (SO_REUSEPORT) then binds the frontend and a stats socket to it, and a client can land on the
     * stats socket, which waits silently for a command.
     */
    private static int[] distinctFreePorts(String address, int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket();
                held.add(s);
                s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) s.close();
        }
    }

    private static boolean reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
