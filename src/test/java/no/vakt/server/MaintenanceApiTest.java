package no.vakt.server;

import static no.vakt.server.ServerTestSupport.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import no.vakt.alert.NoOpAlertSink;
import no.vakt.config.ServerConfig;
import no.vakt.config.VaktConfig;
import no.vakt.failover.Monitor;
import no.vakt.failover.detect.AlertingFailoverTrigger;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maintenance mode, the role endpoints and the two tokens, against a real replicated pair and the real
 * daemon HTTP server (its server: section from the config, as vakt run reads it), over real HTTP.
 */
class MaintenanceApiTest {
    private static final String HAPROXY = "/usr/sbin/haproxy";
    private static final String ADMIN = "adm1n-" + Long.toHexString(System.nanoTime());
    private static final String READ = "r3ad-" + Long.toHexString(System.nanoTime());
    private static final Clock CLOCK = Clock.systemUTC();

    private static TestPair pair;
    private static Journal journal;
    private static Path journalFile;
    private static Monitor monitor;
    private static VaktServer server;
    private static VaktServer besideBergen;
    private static VaktServer besideOslo;
    private static ServerTestSupport.Client client;
    private static ServerTestSupport.Client bergenClient;

    @BeforeAll
    static void start() throws Exception {
        pair = TestPair.start();
        ReplicationFixture.start(pair);
        Path admin = ServerTestSupport.tokenFile(pair.dir, ADMIN);
        Path read = Files.writeString(pair.dir.resolve("read.token"), READ + "\n");
        String host = ServerTestSupport.nextAddress();
        int port = ServerTestSupport.freePort(host);
        pair.rewriteConfig(y -> y.replace("interval: 1s", "interval: 200ms").replace("timeout: 1s", "timeout: 500ms")
                + "server:\n  listen: " + host + ":" + port + "\n  token-file: " + admin
                + "\n  read-token-file: " + read + "\n");
        VaktConfig cfg = pair.config();
        journalFile = pair.dir.resolve("journal.db");
        journal = new Journal(journalFile, CLOCK);
        // The monitor writes the heartbeat the standby's lag is measured by.
        monitor = new Monitor(cfg, journal, new AlertingFailoverTrigger(cfg.cluster(), new NoOpAlertSink()),
                new NoOpAlertSink(), CLOCK, line -> {});
        monitor.start();
        server = VaktServer.builder(cfg, journal, CLOCK).statusPeriod(Duration.ofMillis(300)).build().start();
        client = new ServerTestSupport.Client(server.url());
        // A second daemon, as the one next to bergen would run: server.node says which node is "this".
        ServerConfig bergen = new ServerConfig(true, ServerTestSupport.nextAddress() + ":0", admin, null, null, null,
                read, null, "bergen-db");
        besideBergen = VaktServer.builder(cfg, journal, CLOCK).serverConfig(bergen).statusPeriod(Duration.ofMillis(300))
                .build().start();
        bergenClient = new ServerTestSupport.Client(besideBergen.url());
        besideOslo = VaktServer.builder(cfg, journal, CLOCK).serverConfig(new ServerConfig(true,
                ServerTestSupport.nextAddress() + ":0", admin, null, null, null, read, null, "oslo-db"))
                .statusPeriod(Duration.ofMillis(300)).build().start();
        await("first status samples").atMost(Duration.ofSeconds(15)).until(() ->
                client.get("/api/status").status() == 200 && bergenClient.get("/api/status").status() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
        if (besideBergen != null) besideBergen.close();
        if (besideOslo != null) besideOslo.close();
        if (monitor != null) monitor.close();
        if (journal != null) journal.close();
        if (pair != null) pair.close();
    }

    @Test
    void roleEndpointsAnswerOnlyTheStatusLineForTheNamedOrConfiguredNode() throws Exception {
        await("the standby within the RPO").atMost(Duration.ofSeconds(15))
                .until(() -> client.get("/health/standby?node=bergen-db").status() == 200);
        ServerTestSupport.Response primary = client.get("/health/primary?node=oslo-db");
        assertThat(primary.status()).isEqualTo(200);
        assertThat(primary.body()).isEmpty();
        assertThat(client.get("/health/primary?node=bergen-db").status()).isEqualTo(503);
        assertThat(client.get("/health/standby?node=oslo-db").status()).isEqualTo(503);
        assertThat(client.get("/health/primary").status()).as("which node?").isEqualTo(400);
        assertThat(client.get("/health/primary?node=nope").status()).isEqualTo(400);
        assertThat(client.get("/health/other?node=oslo-db").status()).isEqualTo(404);

        // server.node: bergen-db answers for bergen, whatever the query says.
        assertThat(bergenClient.get("/health/standby").status()).isEqualTo(200);
        assertThat(bergenClient.get("/health/primary").status()).isEqualTo(503);
        assertThat(bergenClient.get("/health/primary?node=oslo-db").status()).isEqualTo(503);
    }

    @Test
    void aStandbyWhoseSqlThreadStoppedIsNotHealthy() throws Exception {
        await().atMost(Duration.ofSeconds(15)).until(() -> bergenClient.get("/health/standby").status() == 200);
        TestPair.sql(pair.standby, "STOP SLAVE SQL_THREAD");
        try {
            await("503 once the sampler sees it").atMost(Duration.ofSeconds(10))
                    .until(() -> bergenClient.get("/health/standby").status() == 503);
        } finally {
            TestPair.sql(pair.standby, "START SLAVE SQL_THREAD");
        }
        await("200 again").atMost(Duration.ofSeconds(15)).until(() -> bergenClient.get("/health/standby").status() == 200);
    }

    @Test
    void theReadTokenReadsButCannotAct() throws Exception {
        assertThat(client.get("/api/status", READ).status()).isEqualTo(200);
        assertThat(client.get("/metrics", READ).status()).isEqualTo(200);
        assertThat(client.get("/metrics", "wrong").status()).isEqualTo(403);
        ServerTestSupport.Response refused = client.post("/api/pause", "{}", READ);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().path("error").asText()).isEqualTo("read_only_token");
        assertThat(client.post("/api/pause", "{\"for\": \"soon\"}", ADMIN).status()).isEqualTo(400);
        assertThat(client.post("/api/pause", "{\"for\": \"8d\"}", ADMIN).json().path("message").asText())
                .startsWith("for: at most 7d");
    }

    @Test
    void pauseAndResumeThroughTheApiAreJournaledShownAndScraped() throws Exception {
        ServerTestSupport.Response paused = client.post("/api/pause",
                "{\"for\": \"30m\", \"reason\": \"kernel upgrade\", \"by\": \"alice\"}", ADMIN);
        assertThat(paused.status()).as(paused.body()).isEqualTo(200);
        try {
            JsonNode d = journal.latest(EventKind.MAINTENANCE, "test").orElseThrow().details();
            assertThat(d.path("by").asText()).isEqualTo("alice from 127.0.0.1");
            assertThat(d.path("token_role").asText()).isEqualTo("admin");
            assertThat(d.path("reason").asText()).isEqualTo("kernel upgrade");

            JsonNode status = client.get("/api/status").json();
            assertThat(status.at("/maintenance/paused").asBoolean()).isTrue();
            assertThat(status.at("/maintenance/remaining_ms").asLong()).isBetween(1L, 30 * 60_000L);
            assertThat(status.path("warnings").get(0).asText()).startsWith("PAUSED: no automatic failover until")
                    .contains("kernel upgrade").contains("alice from 127.0.0.1");
            JsonNode summary = client.get("/api/metrics-summary").json();
            assertThat(summary.at("/maintenance/by").asText()).isEqualTo("alice from 127.0.0.1");
            String metrics = client.get("/metrics").body();
            assertThat(metrics).contains("vakt_paused{cluster=\"test\"} 1.0");
            assertThat(metrics).containsPattern("vakt_pause_remaining_seconds\\{cluster=\"test\"} 1[0-9]{3}\\.");

            // vakt status, without the daemon, reads the same pause from the journal.
            Cli cli = Cli.run("status", "--json", "--config", pair.configFile.toString(), "--journal", journalFile.toString());
            JsonNode cliJson = JSON.readTree(cli.out());
            assertThat(cliJson.at("/maintenance/paused").asBoolean()).isTrue();
            assertThat(cliJson.at("/maintenance/until").asText()).isEqualTo(status.at("/maintenance/until").asText());
            assertThat(names(cliJson)).isEqualTo(names(status));
        } finally {
            ServerTestSupport.Response resumed = client.post("/api/resume", "{}", ADMIN);
            assertThat(resumed.json().path("resumed").asBoolean()).isTrue();
        }
        assertThat(client.get("/api/status").json().at("/maintenance/paused").asBoolean()).isFalse();
        assertThat(client.get("/metrics").body()).contains("vakt_paused{cluster=\"test\"} 0.0");
        assertThat(client.post("/api/resume", "{}", ADMIN).json().path("resumed").asBoolean()).isFalse();
    }

    @Test
    void vaktPauseAndResumeGoThroughTheRunningDaemon() throws Exception {
        Cli pause = Cli.run("pause", "--for", "20m", "--reason", "disk swap", "--config", pair.configFile.toString());
        try {
            assertThat(pause.exitCode()).as(pause.out() + pause.err()).isZero();
            assertThat(pause.out()).contains("automatic failover paused until").contains("through vakt run at " + server.url());
            JsonNode d = journal.latest(EventKind.MAINTENANCE, "test").orElseThrow().details();
            assertThat(d.path("token_role").asText()).isEqualTo("admin");
            assertThat(d.path("by").asText()).isEqualTo(System.getProperty("user.name") + " from 127.0.0.1");
            assertThat(d.path("reason").asText()).isEqualTo("disk swap");
            assertThat(d.path("for_ms").asLong()).isEqualTo(20 * 60_000L);
        } finally {
            Cli resume = Cli.run("resume", "--config", pair.configFile.toString());
            assertThat(resume.exitCode()).as(resume.out() + resume.err()).isZero();
            assertThat(resume.out()).contains("automatic failover resumed (through vakt run");
        }
        assertThat(journal.latest(EventKind.MAINTENANCE, "test").orElseThrow().details().path("action").asText())
                .isEqualTo("resume");
    }

    @Test
    void withNoDaemonAnsweringVaktPauseWritesTheJournalItself() throws Exception {
        String listen = server.address().getHostString() + ":" + server.address().getPort();
        String host = ServerTestSupport.nextAddress();
        String nobody = host + ":" + ServerTestSupport.freePort(host);
        Path elsewhere = pair.dir.resolve("elsewhere.yml");
        Files.writeString(elsewhere, Files.readString(pair.configFile).replace(listen, nobody));
        Path own = pair.dir.resolve("own-journal.db");

        Cli pause = Cli.run("pause", "--for", "5m", "--config", elsewhere.toString(), "--journal", own.toString());
        assertThat(pause.exitCode()).as(pause.out() + pause.err()).isZero();
        assertThat(pause.out()).contains("written to the journal " + own).contains("no daemon answers on http://" + nobody);
        try (Journal j = new Journal(own, CLOCK)) {
            JsonNode d = j.latest(EventKind.MAINTENANCE, "test").orElseThrow().details();
            assertThat(d.path("by").asText()).isEqualTo(System.getProperty("user.name"));
            assertThat(d.path("token_role").isNull()).isTrue();
        }
        Cli status = Cli.run("status", "--config", elsewhere.toString(), "--journal", own.toString());
        assertThat(status.out()).contains("PAUSED: no automatic failover until").contains("no reason given");
        Cli resume = Cli.run("resume", "--config", elsewhere.toString(), "--journal", own.toString());
        assertThat(resume.out()).contains("automatic failover resumed (written to the journal");
    }

    /**
     * The docs' HAProxy example, for real: each database server checked through the daemon next to it
     * (server.node); haproxy marks the primary UP in the write backend and the standby UP in the read one.
     */
    @Test
    void haproxyHttpchkFollowsTheRoles(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(HAPROXY)), "haproxy is not installed (scripts/install-prereqs installs it)");
        await().atMost(Duration.ofSeconds(15)).until(() -> bergenClient.get("/health/standby").status() == 200);
        String front = ServerTestSupport.nextAddress();
        int statsPort = ServerTestSupport.freePort(front);
        int frontPort = ServerTestSupport.freePort(front);
        InetSocketAddress oslo = besideOslo.address();
        InetSocketAddress bergen = besideBergen.address();
        String osloDb = pair.primary.host() + ":" + pair.primary.port();
        String bergenDb = pair.standby.host() + ":" + pair.standby.port();
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, """
                global
                  stats socket ipv4@%s:%d level operator
                defaults
                  mode tcp
                  timeout connect 1s
                  timeout client 30s
                  timeout server 30s
                  timeout check 1s
                frontend fe
                  bind %s:%d
                  default_backend mariadb_writes
                backend mariadb_writes
                  option httpchk GET /health/primary
                  http-check expect status 200
                  default-server inter 300ms fall 1 rise 1
                  server oslo-db %s check addr %s port %d
                  server bergen-db %s check addr %s port %d
                backend mariadb_reads
                  option httpchk GET /health/standby
                  http-check expect status 200
                  default-server inter 300ms fall 1 rise 1
                  server bergen-db %s check addr %s port %d
                """.formatted(front, statsPort, front, frontPort,
                osloDb, oslo.getHostString(), oslo.getPort(), bergenDb, bergen.getHostString(), bergen.getPort(),
                bergenDb, bergen.getHostString(), bergen.getPort()));
        Process haproxy = new ProcessBuilder(HAPROXY, "-f", cfg.toString(), "-db").redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        try {
            await("haproxy's checks settled").atMost(Duration.ofSeconds(15))
                    .ignoreException(java.net.ConnectException.class).until(() -> {
                if (!haproxy.isAlive()) throw new IllegalStateException("haproxy exited: " + Files.readString(dir.resolve("haproxy.log")));
                return status(front, statsPort).containsAll(java.util.List.of(
                        "mariadb_writes/oslo-db=UP", "mariadb_writes/bergen-db=DOWN", "mariadb_reads/bergen-db=UP"));
            });
        } finally {
            haproxy.destroy();
            if (!haproxy.waitFor(5, TimeUnit.SECONDS)) haproxy.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** "backend/server=STATUS" for every server, from haproxy's "show stat" (CSV) on its stats socket. */
    private static java.util.List<String> status(String host, int port) throws Exception {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            s.setSoTimeout(2000);
            s.getOutputStream().write("show stat\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String csv = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            for (String line : csv.split("\n")) {
                String[] f = line.split(",");
                if (line.startsWith("#") || f.length < 18 || f[1].equals("FRONTEND") || f[1].equals("BACKEND")) continue;
                out.add(f[0] + "/" + f[1] + "=" + f[17].split(" ")[0]);
            }
        }
        return out;
    }

    private static java.util.List<String> names(JsonNode n) {
        java.util.List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
