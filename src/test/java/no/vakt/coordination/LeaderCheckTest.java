package no.vakt.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import no.vakt.config.ConfigLoader;
import no.vakt.config.CoordinationConfig;
import no.vakt.config.ServerConfig;
import no.vakt.config.VaktConfig;
import no.vakt.journal.Journal;
import no.vakt.lab.LabConfigTemplate;
import no.vakt.maintenance.Maintenance;
import no.vakt.server.VaktServer;
import no.vakt.testing.Cli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator surfaces with two agents on a real ZooKeeper server (a separate JVM) and two real daemon HTTP
 * servers on loopback: {@code /api/status} and {@code /metrics} show the agents, the leader, the session and
 * ZooKeeper's epoch; an operator action on the follower runs on the leader (leader-check), is refused with the
 * leader's address when the leader's API is down, and runs locally once the follower leads.
 */
class LeaderCheckTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "t0ken-" + Long.toHexString(System.nanoTime());
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;
    private ZooKeeperServers zk;
    private final java.util.List<AutoCloseable> open = new java.util.ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
        if (zk != null) zk.close();
    }

    private record Agent(String name, ZooKeeperCoordinator coordinator, VaktServer server, Journal journal) {}

    @Test
    void aFollowerForwardsActionsToTheLeaderAndShowsTheAgents() throws Exception {
        Path tmp = Path.of(System.getProperty("vakt.test.tmp", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(tmp);
        zk = ZooKeeperServers.start(Files.createTempDirectory(tmp, "zk1"), 1);
        VaktConfig cfg = config();
        Agent oslo = agent(cfg, "oslo", "127.0.170.11");
        await().atMost(Duration.ofSeconds(15)).until(() -> oslo.coordinator().status().authority());
        Agent bergen = agent(cfg, "bergen", "127.0.170.12");
        assertThat(oslo.coordinator().advanceEpoch(0, 7)).isEqualTo(new EpochUpdate.Advanced(7));

        // Both agents, with their API addresses, the leader and ZooKeeper's epoch, on the follower's surfaces.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode c = get(bergen, "api/status").path("coordination");
            assertThat(c.path("leader").asText()).isEqualTo("oslo");
            assertThat(c.path("leader_api").asText()).isEqualTo(oslo.server().url());
            assertThat(c.path("authority").asBoolean()).isFalse();
            assertThat(c.path("session").asText()).isEqualTo("CONNECTED");
            assertThat(c.path("epoch").asLong()).isEqualTo(7);
            assertThat(c.path("agents").findValuesAsText("name")).containsExactly("bergen", "oslo");
            assertThat(c.path("agents").findValuesAsText("api")).containsExactly(bergen.server().url(), oslo.server().url());
        });
        // The dashboard's source has the same part.
        JsonNode summary = get(bergen, "api/metrics-summary").path("coordination");
        assertThat(summary.path("leader").asText()).isEqualTo("oslo");
        assertThat(summary.path("agents").findValuesAsText("role")).containsExactly("follower", "leader");
        String metrics = text(bergen, "metrics");
        assertThat(metrics).contains("vakt_coordination_authority{cluster=\"shop\"} 0.0")
                .contains("vakt_coordination_agents{cluster=\"shop\"} 2.0")
                .contains("vakt_coordination_epoch{cluster=\"shop\"} 7.0")
                .contains("vakt_coordination_session_state{cluster=\"shop\",state=\"CONNECTED\"} 1.0")
                .contains("vakt_coordination_session_state{cluster=\"shop\",state=\"SUSPENDED\"} 0.0");
        assertThat(text(oslo, "metrics")).contains("vakt_coordination_authority{cluster=\"shop\"} 1.0");
        // vakt status with the same config plus coordination: names the agents and ZooKeeper's epoch under its table.
        Path yml = Files.writeString(dir.resolve("agents.yml"), Files.readString(dir.resolve("vakt.yml"))
                + "coordination:\n  zookeeper: \"" + zk.connectString() + "\"\n  agent: bergen\n");
        Cli status = Cli.run("status", "--config", yml.toString(), "--journal", dir.resolve("cli.db").toString());
        assertThat(status.out()).contains("coordination: zookeeper, leader oslo, epoch in ZooKeeper 7")
                .containsPattern("(?m)^  oslo +leader +\\S+ +" + java.util.regex.Pattern.quote(oslo.server().url()) + "$")
                .containsPattern("(?m)^  bergen +follower ")
                .contains("this agent (bergen): session CONNECTED");

        // A pause sent to the follower runs on the leader: the leader's journal has it, the follower's not.
        HttpResponse<String> paused = post(bergen, "api/pause", "{\"for\": \"10m\", \"reason\": \"leader-check\"}", null);
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
        assertThat(paused.headers().firstValue("X-Vakt-Forwarded-To")).hasValue("oslo");
        assertThat(JSON.readTree(paused.body()).path("paused").asBoolean()).isTrue();
        assertThat(new Maintenance(oslo.journal(), "shop", CLOCK).active()).isPresent();
        assertThat(new Maintenance(bergen.journal(), "shop", CLOCK).active()).isEmpty();

        // A forwarded call is never forwarded again: a follower that receives one refuses it.
        HttpResponse<String> bounced = post(bergen, "api/resume", "{}", "oslo");
        assertThat(bounced.statusCode()).isEqualTo(421);
        assertThat(new Maintenance(oslo.journal(), "shop", CLOCK).active()).isPresent();

        // The leader's API is down but it still leads: refused, naming the leader and its address.
        oslo.server().close();
        HttpResponse<String> refused = post(bergen, "api/resume", "{}", null);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(421);
        JsonNode why = JSON.readTree(refused.body());
        assertThat(why.path("error").asText()).isEqualTo("not_leader");
        assertThat(why.path("leader").asText()).isEqualTo("oslo");
        assertThat(why.path("leader_api").asText()).isEqualTo(oslo.server().url());
        assertThat(why.path("message").asText()).contains("did not accept a connection").doesNotContain(TOKEN);

        // The leader goes; the follower leads and acts itself.
        oslo.coordinator().close();
        await().atMost(Duration.ofSeconds(15)).until(() -> bergen.coordinator().status().authority());
        HttpResponse<String> local = post(bergen, "api/pause", "{\"for\": \"5m\"}", null);
        assertThat(local.statusCode()).as(local.body()).isEqualTo(200);
        assertThat(local.headers().firstValue("X-Vakt-Forwarded-To")).isEmpty();
        assertThat(new Maintenance(bergen.journal(), "shop", CLOCK).active()).isPresent();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(get(bergen, "api/status")
                .path("coordination").path("agents").findValuesAsText("name")).containsExactly("bergen"));
    }

    private Agent agent(VaktConfig cfg, String name, String address) throws Exception {
        Journal journal = new Journal(dir.resolve(name + ".db"), CLOCK);
        open.add(journal);
        ZooKeeperCoordinator c = ZooKeeperCoordinator.start(new CoordinationConfig(zk.connectString(), "/vakt/shop",
                Duration.ofSeconds(4), Duration.ofSeconds(2), name), CLOCK);
        open.add(c);
        ServerConfig server = new ServerConfig(true, address + ":" + freePort(address), dir.resolve("api.token"), null,
                null, null);
        VaktServer s = VaktServer.builder(cfg, journal, CLOCK).serverConfig(server).statusPeriod(Duration.ofMillis(300))
                .coordination(c::status).build().start();
        open.add(s);
        c.advertise(s.url());
        return new Agent(name, c, s, journal);
    }

    /** Both databases unreachable (nothing listens): the surfaces under test do not need them. */
    private VaktConfig config() throws Exception {
        String host = "127.0.170.10";
        Files.writeString(dir.resolve("admin.pw"), "x\n");
        Files.writeString(dir.resolve("repl.pw"), "x\n");
        Path token = Files.writeString(dir.resolve("api.token"), TOKEN + "\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        String yaml = new LabConfigTemplate("shop", host, freePort(host), host, freePort(host), "vakt",
                dir.resolve("admin.pw"), "repl", dir.resolve("repl.pw"), List.of("shop"), "manual", null, false, host)
                .render().replace("timeout: 1s", "timeout: 500ms");
        return ConfigLoader.load(Files.writeString(dir.resolve("vakt.yml"), yaml));
    }

    private static JsonNode get(Agent a, String path) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> request(a, path).statusCode() == 200);
        return JSON.readTree(text(a, path));
    }

    private static String text(Agent a, String path) throws Exception {
        return request(a, path).body();
    }

    private static HttpResponse<String> request(Agent a, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(a.server().url() + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(Agent a, String path, String body, String forwardedBy) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(a.server().url() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (forwardedBy != null) b.header("X-Vakt-Forwarded-By", forwardedBy);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort(String address) throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            return s.getLocalPort();
        }
    }

}
