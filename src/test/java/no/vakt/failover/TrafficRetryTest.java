package no.vakt.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import no.vakt.alert.Alert;
import no.vakt.cluster.Sleeper;
import no.vakt.config.ConfigLoader;
import no.vakt.config.VaktConfig;
import no.vakt.journal.EventKind;
import no.vakt.journal.Journal;
import no.vakt.journal.JournalEvent;
import no.vakt.lab.BindServer;
import no.vakt.lab.LabConfigTemplate;
import no.vakt.lab.MariaDbServer;
import no.vakt.roles.LivePrimaries;
import no.vakt.testing.Dig;
import no.vakt.testing.TestDirs;
import no.vakt.testing.TrafficYaml;
import no.vakt.traffic.ConfiguredTrafficSwitch;
import no.vakt.cluster.RetryPolicy;
import no.vakt.traffic.TrafficState;
import org.junit.jupiter.api.Test;

/** The daemon's retry of a pending traffic switch: its decisions (pure) and the loop against a real BIND. */
class TrafficRetryTest {
    static final String ZONE = "retry.vakt.test.";
    static final String OSLO = "127.0.45.1";
    static final String BERGEN = "127.0.45.2";
    static final TrafficState.Pending PENDING = new TrafficState.Pending("shop", "bergen-db", 4,
            Instant.parse("2025-03-01T10:00:00Z"), Instant.parse("2025-03-01T10:00:00Z"), 1, "[0] BADSIG");

    static LivePrimaries primary(String node) {
        return new LivePrimaries(node == null ? List.of() : List.of(node), node == null ? "oslo-db unknown, bergen-db unknown"
                : node + " primary");
    }

    @Test
    void retriesOnlyTowardsTheLivePrimaryOfTheSameEpoch() {
        assertThat(TrafficRetry.decide(PENDING, 4, primary("bergen-db")).verdict()).isEqualTo(TrafficRetry.Verdict.ATTEMPT);
        assertThat(TrafficRetry.decide(PENDING, 3, primary("bergen-db")).verdict())
                .as("BUMP_EPOCH may not have run yet when the switch fails").isEqualTo(TrafficRetry.Verdict.ATTEMPT);
        TrafficRetry.Decision later = TrafficRetry.decide(PENDING, 5, primary("bergen-db"));
        assertThat(later.verdict()).isEqualTo(TrafficRetry.Verdict.ABANDON);
        assertThat(later.reason()).contains("the epoch moved to 5");
        TrafficRetry.Decision other = TrafficRetry.decide(PENDING, 4, primary("oslo-db"));
        assertThat(other.verdict()).isEqualTo(TrafficRetry.Verdict.ABANDON);
        assertThat(other.reason()).isEqualTo("bergen-db is no longer the live primary (oslo-db primary)");
        TrafficRetry.Decision blind = TrafficRetry.decide(PENDING, 4, primary(null));
        assertThat(blind.verdict()).isEqualTo(TrafficRetry.Verdict.WAIT);
        assertThat(blind.reason()).contains("not switching blind");
    }

    @Test
    void theBackoffDoublesUpToItsCap() {
        TrafficRetry.Backoff b = TrafficRetry.Backoff.DEFAULT;
        assertThat(List.of(b.after(0), b.after(1), b.after(2), b.after(4), b.after(5), b.after(1000))).containsExactly(
                Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40), Duration.ofSeconds(160),
                Duration.ofMinutes(5), Duration.ofMinutes(5));
    }

    @Test
    void thePendingSwitchIsRetriedUntilItSucceedsAndAbandonedWhenTheRolesChange() throws Exception {
        Path dir = TestDirs.create("retry-");
        BindServer bind = new BindServer(dir.resolve("bind"), "127.0.0.1", Dig.freePort("127.0.0.1"), ZONE, "vakt-retry");
        List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<String> live = new AtomicReference<>("bergen-db");
        try (Journal journal = new Journal(dir.resolve("journal.db"), Clock.systemUTC())) {
            bind.start(Map.of("app", OSLO), 5);
            Path key = dir.resolve("tsig.key");
            BindServer.generateKey(key, "vakt-retry"); // rejected until the test copies the right one over it
            VaktConfig config = config(dir, bind);
            ConfiguredTrafficSwitch sw = new ConfiguredTrafficSwitch(config, journal, alerts::add,
                    new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10)), Sleeper.REAL, Clock.systemUTC());
            assertThat(sw.apply("dns", "bergen-db", 1)).singleElement().satisfies(r -> assertThat(r.ok()).isFalse());
            assertThat(TrafficState.pending(journal, "dns")).isPresent();

            try (TrafficRetry retry = new TrafficRetry(sw, journal, () -> primary(live.get()), alerts::add,
                    Clock.systemUTC(), new TrafficRetry.Backoff(Duration.ofMillis(100), Duration.ofMillis(400),
                            Duration.ofMillis(100)), lines::add).start()) {
                await("two failed retries, journaled").atMost(Duration.ofSeconds(20))
                        .until(() -> retries(journal) >= 2);
                assertThat(TrafficState.pending(journal, "dns").orElseThrow().attempts()).isGreaterThanOrEqualTo(2);
                assertThat(Dig.query("127.0.0.1", bind.port(), "app." + ZONE, "A")).containsExactly(OSLO);

                Files.copy(bind.keyFile(), key, StandardCopyOption.REPLACE_EXISTING);
                await("the switch succeeds once the key is right").atMost(Duration.ofSeconds(20))
                        .until(() -> TrafficState.pending(journal, "dns").isEmpty());
                assertThat(Dig.query("127.0.0.1", bind.port(), "app." + ZONE, "A")).containsExactly(BERGEN);
                await().atMost(Duration.ofSeconds(5)).until(() -> alerts.stream()
                        .anyMatch(a -> a.event().equals("traffic switched to bergen-db")));
                assertThat(lines).anyMatch(l -> l.contains("traffic switched to bergen-db on retry"));

                // A new pending switch to bergen-db while oslo-db is the live primary again: never applied, abandoned.
                live.set("oslo-db");
                int before = retries(journal);
                BindServer.generateKey(key, "vakt-retry");
                assertThat(sw.apply("dns", "bergen-db", 1)).singleElement().satisfies(r -> assertThat(r.ok()).isFalse());
                retry.wake();
                await("abandoned").atMost(Duration.ofSeconds(20)).until(() -> TrafficState.pending(journal, "dns").isEmpty());
                JournalEvent state = journal.history(EventKind.TRAFFIC, 5).stream()
                        .filter(e -> e.details().has(TrafficState.DETAIL)).reduce((a, b) -> b).orElseThrow();
                assertThat(state.details().get(TrafficState.DETAIL).asText()).isEqualTo(TrafficState.ABANDONED);
                assertThat(state.summary()).contains("bergen-db is no longer the live primary (oslo-db primary)");
                assertThat(retries(journal)).as("no attempt towards a node that is not the primary").isEqualTo(before);
            }
        } finally {
            bind.destroy();
            MariaDbServer.deleteTree(dir);
        }
    }

    private static int retries(Journal journal) {
        return (int) journal.history(EventKind.TRAFFIC, 500).stream().filter(e -> e.details().has("retry")).count();
    }

    private static VaktConfig config(Path dir, BindServer bind) throws Exception {
        String yaml = new LabConfigTemplate("dns", OSLO, 3306, BERGEN, 3306, "vakt", dir.resolve("admin.password"), "repl",
                dir.resolve("repl.password"), List.of("shop"), "manual", null, false, "127.0.0.1").render();
        Path file = dir.resolve("vakt.yml");
        Files.writeString(file, TrafficYaml.rfc2136(yaml, ZONE, bind.port(), "tsig.key", "timeout: 300ms", "verify-timeout: 2s"));
        return ConfigLoader.load(file);
    }
}
