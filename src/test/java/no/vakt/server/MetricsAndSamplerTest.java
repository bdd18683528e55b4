package no.vakt.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import no.vakt.cluster.OperatorCommands;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.failover.plan.ExecutionResult;
import no.vakt.filesync.FileSyncSnapshot;
import no.vakt.journal.EventKind;
import no.vakt.journal.FailoverEnding;
import no.vakt.journal.Journal;
import no.vakt.journal.NewFailover;
import no.vakt.lab.LabConfigTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics}' meters read through the Micrometer registry, and the status sampler's warnings, with a
 * real journal and no database: the nodes are loopback addresses on ports nothing listens on.
 */
class MetricsAndSamplerTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final ObjectMapper SNAPSHOT_JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @TempDir
    Path dir;

    /** Both nodes unreachable at once (connection refused); {@code files} is the config's files: section. */
    private VaktConfig config(String files) throws Exception {
        String host = ServerTestSupport.nextAddress();
        Files.writeString(dir.resolve("admin.pw"), "x\n");
        Files.writeString(dir.resolve("repl.pw"), "x\n");
        String yaml = new LabConfigTemplate("shop", host, ServerTestSupport.freePort(host), host,
                ServerTestSupport.freePort(host), "vakt", dir.resolve("admin.pw"), "repl", dir.resolve("repl.pw"),
                List.of("shop"), "manual", null, false, host).render(files)
                .replace("timeout: 1s", "timeout: 500ms");
        return ConfigLoader.parse(dir.resolve("vakt.yml"), yaml);
    }

    @Test
    void backupMetersShowTheArchiveLagAndABreak() throws Exception {
        VaktConfig cfg = config("files: {}\nbackup:\n  repository: {path: " + dir.resolve("repo") + ", country: NO}\n");
        try (Journal journal = new Journal(dir.resolve("j.db"), CLOCK);
                StatusSampler sampler = new StatusSampler(cfg, CLOCK, Duration.ofHours(1), Optional::empty)) {
            LiveView view = new LiveView(cfg, sampler, new JournalFacts(journal, cfg.cluster(), CLOCK), null, CLOCK,
                    OperatorCommands.of(dir.resolve("vakt.yml"), null));
            view.backup(() -> Optional.of(new no.vakt.backup.BackupView("gap", "oslo-db", 1500L, "0-1-5", CLOCK.instant(),
                    "oslo-db's oldest binlog begins after GTID 0-1-9", "20261207T020000Z", java.time.Instant.ofEpochSecond(1000))));
            PrometheusMeterRegistry registry = new VaktMetrics(view, Optional::empty).registry();
            assertThat(registry.get(MeterNames.BACKUP_ARCHIVE_LAG).gauge().value()).isEqualTo(1.5);
            assertThat(registry.get(MeterNames.BACKUP_ARCHIVE_BROKEN).gauge().value()).isEqualTo(1.0);
            assertThat(registry.get(MeterNames.BACKUP_NEWEST).gauge().value()).isEqualTo(1000.0);
            assertThat(registry.scrape()).contains("vakt_backup_archive_lag_seconds{cluster=\"shop\"} 1.5");
        }
    }

    @Test
    void trafficPendingMetersFollowTheJournal() throws Exception {
        VaktConfig cfg = config("files: {}\n");
        OperatorCommands commands = OperatorCommands.of(dir.resolve("vakt.yml"), null);
        try (Journal journal = new Journal(dir.resolve("j.db"), CLOCK);
                StatusSampler sampler = new StatusSampler(cfg, CLOCK, Duration.ofHours(1), Optional::empty)) {
            JournalFacts facts = new JournalFacts(journal, cfg.cluster(), CLOCK);
            LiveView view = new LiveView(cfg, sampler, facts, null, CLOCK, commands);
            PrometheusMeterRegistry registry = new VaktMetrics(view, Optional::empty).registry();

            assertThat(registry.get(MeterNames.TRAFFIC_PENDING).gauge().value()).isZero();
            assertThat(registry.get(MeterNames.FAILOVERS_TRAFFIC_PENDING).functionCounter().count()).isZero();

            long id = journal.beginFailover(new NewFailover("shop", "oslo-db", "bergen-db", "manual", "operator", 1));
            journal.finishFailover(id, FailoverEnding.COMPLETED_TRAFFIC_PENDING,
                    ExecutionResult.TRAFFIC_PENDING_SUMMARY + "oslo-db -> bergen-db, epoch 1; traffic switch failed");
            journal.append(EventKind.TRAFFIC, "shop", "bergen-db", "traffic switch to bergen-db PENDING",
                    Map.of("switch", "pending", "node", "bergen-db", "epoch", 1, "attempts", 1, "error", "[0] refused"));
            facts.invalidate();

            assertThat(registry.get(MeterNames.TRAFFIC_PENDING).gauge().value()).isEqualTo(1.0);
            assertThat(registry.get(MeterNames.FAILOVERS_TRAFFIC_PENDING).functionCounter().count()).isEqualTo(1.0);
            assertThat(registry.get(MeterNames.FAILOVERS).tag("outcome", "completed").functionCounter().count())
                    .as("still completed, as the journal says").isEqualTo(1.0);
            String text = registry.scrape();
            assertThat(text).contains("vakt_traffic_pending{cluster=\"shop\"} 1.0")
                    .contains("vakt_failovers_traffic_pending_total{cluster=\"shop\"} 1.0");
            assertThat(ApiViews.summary(view, false)).satisfies(s -> {
                assertThat(s.get("traffic")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                        .containsEntry("pending", true).containsEntry("node", "bergen-db")
                        .containsEntry("command", "vakt traffic apply --config " + dir.resolve("vakt.yml"));
                assertThat(s.get("warnings")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                        .first().asString().startsWith("traffic switch to bergen-db PENDING");
            });

            // A retry switched: the gauge drops, the counter keeps how the failover ended.
            journal.append(EventKind.TRAFFIC, "shop", "bergen-db", "traffic switched to bergen-db",
                    Map.of("switch", "switched", "node", "bergen-db", "epoch", 1));
            facts.invalidate();
            assertThat(registry.get(MeterNames.TRAFFIC_PENDING).gauge().value()).isZero();
            assertThat(registry.get(MeterNames.FAILOVERS_TRAFFIC_PENDING).functionCounter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void theSamplersWarningsIncludeFileSyncProblemsAndSurviveAFailingFileSync() throws Exception {
        VaktConfig cfg = config("files:\n  directories:\n    - path: /srv/uploads\n      target: /srv/uploads\n"
                + "  ssh:\n    user: vakt\n    identity-file: ssh/id\n");
        AtomicBoolean broken = new AtomicBoolean();
        try (StatusSampler sampler = new StatusSampler(cfg, CLOCK, Duration.ofMillis(50), () -> {
            if (broken.get()) throw new IllegalStateException("snapshot unavailable");
            return snapshot("deletions on bergen-db held back (/srv/uploads): the source directory is empty");
        }).start()) {
            await("a sample").atMost(Duration.ofSeconds(10)).until(() -> sampler.latest().isPresent());
            StatusSampler.Sample s = sampler.latest().orElseThrow();
            assertThat(s.report().warnings())
                    .contains("file sync: deletions on bergen-db held back (/srv/uploads): the source directory is empty");
            assertThat(s.fileSync()).isPresent();

            // A file sync that cannot report must not stop the node rows: samples go on, without its part.
            broken.set(true);
            await("a sample without file sync").atMost(Duration.ofSeconds(10))
                    .until(() -> sampler.latest().map(x -> x.fileSync().isEmpty()).orElse(false));
            assertThat(sampler.latest().orElseThrow().report().nodes()).hasSize(2);
        }
    }

    private static Optional<FileSyncSnapshot> snapshot(String problem) {
        ObjectNode o = SNAPSHOT_JSON.createObjectNode();
        o.put("generated_at", CLOCK.instant().toString());
        o.put("state", "running");
        o.put("source", "oslo-db");
        o.put("target", "bergen-db");
        o.putArray("problems").add(problem);
        ObjectNode d = o.putArray("directories").addObject();
        d.put("source", "/srv/uploads");
        d.put("target", "bergen-db:/srv/uploads");
        d.put("state", "watching");
        d.put("delete_guard", "the source directory is empty");
        try {
            return Optional.of(SNAPSHOT_JSON.treeToValue(o, FileSyncSnapshot.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
