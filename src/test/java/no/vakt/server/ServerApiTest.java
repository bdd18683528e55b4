package no.vakt.server;

import static no.vakt.server.ServerTestSupport.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import no.vakt.alert.NoOpAlertSink;
import no.vakt.config.ServerConfig;
import no.vakt.config.VaktConfig;
import no.vakt.failover.FailoverRunner;
import no.vakt.failover.Monitor;
import no.vakt.failover.detect.AlertingFailoverTrigger;
import no.vakt.filesync.LoggingFileSyncDirector;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.testing.Cli;
import no.vakt.testing.ReplicationFixture;
import no.vakt.testing.TestPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP API against a real replicated pair, a real monitor and a real journal, over real HTTP on loopback. */
class ServerApiTest {
    private static final String TOKEN = "t0ken-" + Long.toHexString(System.nanoTime());
    private static final Clock CLOCK = Clock.systemUTC();

    private static TestPair pair;
    private static Journal journal;
    private static Monitor monitor;
    private static VaktServer server;
    private static ServerTestSupport.Client client;
    private static final List<String> routed = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws Exception {
        pair = TestPair.builder().failoverMode("manual").start();
        ReplicationFixture.start(pair);
        // A backup section (an empty local repository), so the backup meters the Grafana dashboard shows exist.
        pair.rewriteConfig(y -> y.replace("interval: 1s", "interval: 200ms").replace("timeout: 1s", "timeout: 500ms")
                + "backup:\n  repository: {path: " + pair.dir.resolve("repo") + ", country: NO}\n");
        VaktConfig cfg = pair.config();
        journal = new Journal(pair.dir.resolve("journal.db"), CLOCK);
        NoOpAlertSink alerts = new NoOpAlertSink();
        FailoverRunner runner = new FailoverRunner(cfg, journal, CLOCK, alerts,
                (cluster, node, epoch) -> routed.add(node + "@" + epoch), new LoggingFileSyncDirector());
        monitor = new Monitor(cfg, journal, new AlertingFailoverTrigger(cfg.cluster(), alerts), alerts, CLOCK,
                line -> {});
        Path token = ServerTestSupport.tokenFile(pair.dir, TOKEN);
        server = VaktServer.builder(cfg, journal, CLOCK)
                .serverConfig(new ServerConfig(true, ServerTestSupport.nextAddress() + ":0", token, null, null, null))
                .runner(runner)
                .traffic((cluster, node, epoch) -> routed.add(node + "@" + epoch))
                .fileSync(() -> new FileSyncBacklog(3, Duration.ofSeconds(7), "behind", "3 uploads queued"))
                .build();
        monitor.onTick(server::observe);
        monitor.start();
        server.start();
        client = new ServerTestSupport.Client(server.url());
        await("first status sample and healthy monitor").atMost(Duration.ofSeconds(15)).until(() ->
                client.get("/api/status").status() == 200
                        && "HEALTHY".equals(client.get("/api/metrics-summary").json().path("monitor").path("health").asText()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
        if (monitor != null) monitor.close();
        if (journal != null) journal.close();
        if (pair != null) pair.close();
    }

    @Test
    void statusHasExactlyTheFieldsOfVaktStatusJson() throws Exception {
        JsonNode api = client.get("/api/status").json();
        Cli cli = Cli.run("status", "--json", "--config", pair.configFile.toString());
        JsonNode cliJson = JSON.readTree(cli.out());

        assertThat(names(api)).isEqualTo(names(cliJson));
        assertThat(names(api.get("nodes").get(0))).isEqualTo(names(cliJson.get("nodes").get(0)));
        assertThat(api.get("cluster").asText()).isEqualTo("test");
        assertThat(api.get("nodes")).extracting(n -> n.get("node").asText() + "=" + n.get("live_role").asText())
                .containsExactly("oslo-db=primary", "bergen-db=standby");
    }

    @Test
    void summaryLagAndHistoryComeFromTheMonitorAndTheJournal() throws Exception {
        JsonNode s = client.get("/api/metrics-summary").json();
        assertThat(s.get("mode").asText()).isEqualTo("manual");
        assertThat(s.at("/monitor/primary").asText()).isEqualTo("oslo-db");
        assertThat(s.at("/objectives/rpo_ms").asLong()).isEqualTo(1000);
        assertThat(s.get("sites")).extracting(n -> n.get("name").asText()).containsExactly("oslo", "bergen");
        assertThat(s.at("/approval/awaiting").asBoolean()).isFalse();
        assertThat(s.at("/approval/reason").asText()).contains("HEALTHY");
        assertThat(s.at("/file_sync/files").asLong()).isEqualTo(3);
        assertThat(s.at("/file_sync/oldest_age_ms").asLong()).isEqualTo(7000);
        assertThat(s.get("write_actions_enabled").asBoolean()).isTrue();

        await("lag samples with a measured lag").atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode lag = client.get("/api/lag?minutes=15").json();
            for (JsonNode p : lag.get("samples")) {
                if (!p.get("lag_ms").isNull() && "HEALTHY".equals(p.get("health").asText())) return true;
            }
            return false;
        });
        assertThat(client.get("/api/lag?minutes=99").status()).isEqualTo(400);

        JsonNode history = client.get("/api/history?limit=20").json();
        assertThat(history.get("events")).extracting(e -> e.get("summary").asText())
                .anyMatch(t -> t.endsWith("UNKNOWN -> HEALTHY"));
        assertThat(history.has("failovers")).isTrue();
        assertThat(history.get("current_epoch").asLong()).isZero();
    }

    @Test
    void drillsAlertsAndPrometheusMetricsFollowTheJournal() throws Exception {
        // What the drill and alert features journal; the server reads them, whoever writes them.
        journal.append(EventKind.DRILL, "test", "bergen-db", "drill kill-primary passed",
                Map.of("passed", true, "rto_ms", 4200, "rpo_ms", 1500));
        journal.append(EventKind.ALERT, "test", "oslo-db", "primary oslo-db down", Map.of("severity", "CRITICAL"));
        journal.append(EventKind.ALERT_DELIVERY, "test", "oslo-db", "slack: delivered 'primary oslo-db down'",
                Map.of("channel", "slack", "outcome", "delivered"));

        await("the drill is visible").atMost(Duration.ofSeconds(5)).until(() ->
                client.get("/api/drills").json().get("drills").size() >= 1);
        JsonNode drill = client.get("/api/drills").json().get("drills").get(0);
        assertThat(drill.get("rto_ms").asLong()).isEqualTo(4200);
        assertThat(drill.get("rto_met").asBoolean()).isTrue();   // RTO 5 min
        assertThat(drill.get("rpo_met").asBoolean()).isFalse();  // RPO 1 s
        assertThat(client.get("/api/metrics-summary").json().at("/last_drill/rpo_ms").asLong()).isEqualTo(1500);

        String metrics = client.get("/metrics").body();
        assertThat(metrics)
                .contains("vakt_node_up{cluster=\"test\",node=\"oslo-db\",site=\"oslo\"} 1.0")
                .contains("vakt_node_is_primary{cluster=\"test\",node=\"oslo-db\",site=\"oslo\"} 1.0")
                .contains("vakt_node_is_primary{cluster=\"test\",node=\"bergen-db\",site=\"bergen\"} 0.0")
                .contains("vakt_node_role{cluster=\"test\",node=\"bergen-db\",role=\"standby\",site=\"bergen\"} 1.0")
                .contains("vakt_node_read_only{cluster=\"test\",node=\"bergen-db\",site=\"bergen\"} 1.0")
                .contains("vakt_replication_io_thread_running{cluster=\"test\",node=\"bergen-db\",site=\"bergen\"} 1.0")
                .contains("vakt_replication_sql_thread_running{cluster=\"test\",node=\"bergen-db\",site=\"bergen\"} 1.0")
                .contains("vakt_primary_health{cluster=\"test\",state=\"HEALTHY\"} 1.0")
                .contains("vakt_failovers_total{cluster=\"test\",outcome=\"completed\"} 0.0")
                .contains("vakt_failover_last_duration_seconds{cluster=\"test\"} NaN")
                .contains("vakt_drill_last_rto_seconds{cluster=\"test\"} 4.2")
                .contains("vakt_drill_last_rpo_seconds{cluster=\"test\"} 1.5")
                .contains("vakt_objective_rpo_seconds{cluster=\"test\"} 1.0")
                .contains("vakt_objective_rto_seconds{cluster=\"test\"} 300.0")
                .contains("vakt_filesync_backlog_files{cluster=\"test\"} 3.0")
                .contains("vakt_filesync_oldest_age_seconds{cluster=\"test\"} 7.0")
                .contains("vakt_alert_deliveries_total{channel=\"slack\",cluster=\"test\",outcome=\"delivered\"} 1.0")
                .contains("vakt_alert_deliveries_total{channel=\"none\",cluster=\"test\",outcome=\"raised\"} 1.0")
                .contains("vakt_epoch{cluster=\"test\"} 0.0")
                .contains("vakt_backup_archive_lag_seconds{cluster=\"test\"} NaN");
        assertThat(metrics).containsPattern("vakt_replication_lag_seconds\\{cluster=\"test\",node=\"bergen-db\",site=\"bergen\"} \\d");
        assertThat(metrics).containsPattern("vakt_replication_lag_seconds\\{cluster=\"test\",node=\"oslo-db\",site=\"oslo\"} NaN");

        // The shipped Grafana dashboard is valid JSON and queries only metrics that exist.
        String grafana = java.nio.file.Files.readString(Path.of("examples/grafana-dashboard.json"));
        JsonNode dashboard = JSON.readTree(grafana);
        assertThat(dashboard.get("panels").size()).isGreaterThan(10);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("vakt_[a-z_]+").matcher(grafana);
        List<String> used = new ArrayList<>();
        while (m.find()) used.add(m.group());
        assertThat(used).isNotEmpty().allSatisfy(name -> assertThat(metrics).contains("\n" + name + "{"));
    }

    @Test
    void operatorActionsNeedTheBearerTokenAndSayWhyNot() throws Exception {
        ServerTestSupport.Response none = client.post("/api/approve-failover", "{}", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("error").asText()).isEqualTo("token_required");
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));

        ServerTestSupport.Response wrong = client.post("/api/switchover", "{}", TOKEN + "x");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.json().get("error").asText()).isEqualTo("invalid_token");
        assertThat(wrong.body()).doesNotContain(TOKEN);

        assertThat(client.post("/api/traffic/apply", "{}", "").status()).isEqualTo(401);
        assertThat(client.get("/api/approve-failover").status()).isEqualTo(405);
        assertThat(client.post("/api/switchover", "[1,2]", TOKEN).status()).isEqualTo(400);
        assertThat(client.get("/api/nothing").status()).isEqualTo(404);
    }

    @Test
    void approvingWhenNoFailoverAwaitsIsRefusedAndJournaled() throws Exception {
        ServerTestSupport.Response r = client.post("/api/approve-failover", "{}", TOKEN);

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("error").asText()).isEqualTo("no_failover_awaiting");
        assertThat(r.json().get("message").asText()).contains("HEALTHY");
        assertThat(journal.history(EventKind.OPERATOR_ACTION, 20)).extracting(e -> e.summary())
                .anyMatch(s -> s.startsWith("operator (API): approve-failover not run"));
        assertThat(journal.history(EventKind.OPERATOR_ACTION, 20)).as("which token acted, never the token")
                .allSatisfy(e -> assertThat(e.details().get("token_role").asText()).isEqualTo("admin"))
                .noneSatisfy(e -> assertThat(e.details().toString()).contains(TOKEN));
        assertThat(pair.config().primary().name()).isEqualTo("oslo-db");
    }

    @Test
    void trafficApplyRoutesOnlyToTheLivePrimary() throws Exception {
        ServerTestSupport.Response ok = client.post("/api/traffic/apply", "{}", TOKEN);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("node").asText()).isEqualTo("oslo-db");
        assertThat(routed).contains("oslo-db@0");

        ServerTestSupport.Response standby = client.post("/api/traffic/apply", "{\"node\":\"bergen-db\"}", TOKEN);
        assertThat(standby.status()).isEqualTo(409);
        assertThat(standby.json().get("message").asText()).contains("bergen-db is not the live primary");
        assertThat(client.post("/api/traffic/apply", "{\"node\":\"nowhere\"}", TOKEN).status()).isEqualTo(400);
        assertThat(journal.history(EventKind.OPERATOR_ACTION, 20)).extracting(e -> e.summary())
                .anyMatch(s -> s.equals("operator (API): traffic-apply routed to oslo-db (epoch 0)"));
    }

    @Test
    void switchoverDryRunShowsThePlanAndChangesNothing() throws Exception {
        ServerTestSupport.Response r = client.post("/api/switchover", "{\"dry_run\": true}", TOKEN);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("outcome").asText()).isEqualTo("DRY_RUN");
        assertThat(r.json().get("output").asText()).contains("FENCE_OLD_PRIMARY").contains("oslo-db is primary");
        assertThat(client.get("/api/status").json().get("nodes").get(0).get("live_role").asText()).isEqualTo("primary");
    }

    @Test
    void readsWithoutTheTokenMustNameThisMachine() throws Exception {
        // A page elsewhere that re-points its DNS name at 127.0.0.1 sends its own name as Host.
        assertThat(rawGet("/api/status", "attacker.example")).startsWith("HTTP/1.1 403");
        assertThat(rawGet("/api/status", "localhost:" + server.address().getPort())).startsWith("HTTP/1.1 200");
        assertThat(client.get("/api/status", TOKEN).status()).isEqualTo(200);
        assertThat(client.get("/api/status", "wrong").status()).isEqualTo(403);
    }

    @Test
    void withoutATokenFileOperatorActionsAreDisabled() throws Exception {
        try (VaktServer plain = VaktServer.builder(pair.config(), journal, CLOCK)
                .serverConfig(new ServerConfig(true, ServerTestSupport.nextAddress() + ":0", null, null, null, null))
                .build().start()) {
            ServerTestSupport.Client c = new ServerTestSupport.Client(plain.url());
            ServerTestSupport.Response r = c.post("/api/switchover", "{}", "anything");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.json().get("error").asText()).isEqualTo("writes_disabled");
            assertThat(r.json().get("message").asText()).contains("server.token-file");
            ServerTestSupport.Response page = c.get("/");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("<title>Vakt</title>");
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v ->
                    assertThat(v).contains("default-src 'self'"));
            assertThat(c.get("/dashboard.js").body()).contains("api/metrics-summary");
            assertThat(c.get("/api/metrics-summary").json().at("/file_sync/configured").asBoolean()).isFalse();
        }
    }

    private static String rawGet(String path, String host) throws Exception {
        try (Socket s = new Socket(InetAddress.getByName(server.address().getHostString()), server.address().getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) out.add(it.next());
        return out;
    }
}
