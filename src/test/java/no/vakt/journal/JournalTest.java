package no.vakt.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import no.vakt.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(T0);

    private Path db() {
        return dir.resolve(".vakt").resolve("journal.db");
    }

    private static NewFailover failover(long epoch) {
        return new NewFailover("shop", "db-oslo", "db-bergen", "automatic", "automatic-detection", epoch);
    }

    @Test
    void createsTheFileOwnerOnlyInWalModeWithFullSync() throws Exception {
        try (Journal j = new Journal(db(), clock)) {
            j.append(EventKind.ALERT, "shop", null, "hello", null);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
            }
        }
        assertThat(Files.getPosixFilePermissions(db())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(db().getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void appendsEventsWithClockTimeAndDetailsAndReturnsAnOldestFirstTimeline() {
        try (Journal j = new Journal(db(), clock)) {
            long first = j.append(EventKind.STATE_CHANGE, "shop", "db-oslo", "HEALTHY -> SUSPECT",
                    Map.of("failures", 1, "error", "Connection refused"));
            clock.advance(Duration.ofSeconds(1));
            j.append(EventKind.ALERT, "shop", null, "primary unreachable from monitor", Map.of());
            clock.advance(Duration.ofSeconds(1));
            j.append(EventKind.OPERATOR_ACTION, "shop", "db-bergen", "vakt promote --confirm", null);

            List<JournalEvent> all = j.history(10);
            assertThat(all).extracting(JournalEvent::kind).containsExactly(
                    EventKind.STATE_CHANGE, EventKind.ALERT, EventKind.OPERATOR_ACTION);
            JournalEvent e = all.get(0);
            assertThat(e.id()).isEqualTo(first);
            assertThat(e.at()).isEqualTo(T0);
            assertThat(e.cluster()).isEqualTo("shop");
            assertThat(e.node()).isEqualTo("db-oslo");
            assertThat(e.details().get("failures").asInt()).isEqualTo(1);
            assertThat(e.details().get("error").asText()).isEqualTo("Connection refused");
            assertThat(all.get(2).details().isEmpty()).isTrue();
            assertThat(all.get(2).at()).isEqualTo(T0.plusSeconds(2));

            assertThat(j.history(2)).extracting(JournalEvent::summary)
                    .containsExactly("primary unreachable from monitor", "vakt promote --confirm");
        }
    }

    @Test
    void refusesDetailKeysThatLookLikeSecrets() {
        try (Journal j = new Journal(db(), clock)) {
            assertThatThrownBy(() -> j.append(EventKind.ALERT, "shop", null, "x", Map.of("admin_password", "pw")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secrets");
            assertThatThrownBy(() -> j.append(EventKind.ALERT, "shop", null, "x", Map.of("SecretRef", "pw")))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(j.history(10)).isEmpty();
        }
    }

    @Test
    void historySerialisesToJsonWithIsoTimes() throws Exception {
        try (Journal j = new Journal(db(), clock)) {
            j.append(EventKind.STATE_CHANGE, "shop", "db-oslo", "HEALTHY -> DOWN", Map.of("failures", 3));
            long id = j.beginFailover(failover(1));
            j.stepFinished(id, j.stepStarted(id, "FENCE_OLD_PRIMARY"), StepOutcome.SKIPPED, "unreachable");
            JsonNode tree = JournalJson.mapper().valueToTree(j.history(10));
            assertThat(tree.get(0).get("at").asText()).isEqualTo("2025-03-01T10:00:00Z");
            assertThat(tree.get(0).get("kind").asText()).isEqualTo("state-change");
            assertThat(tree.get(0).get("details").get("failures").asInt()).isEqualTo(3);
            JsonNode failovers = JournalJson.mapper().valueToTree(j.failovers(5));
            assertThat(failovers.get(0).get("outcome").asText()).isEqualTo("running");
            assertThat(failovers.get(0).get("steps").get(0).get("outcome").asText()).isEqualTo("skipped");
        }
    }

    @Test
    void recordsAFailoverWithItsStepsInOrderAndMirrorsThemAsEvents() {
        try (Journal j = new Journal(db(), clock)) {
            long id = j.beginFailover(failover(4));
            clock.advance(Duration.ofMillis(100));
            int s1 = j.stepStarted(id, "FENCE_OLD_PRIMARY");
            clock.advance(Duration.ofMillis(200));
            j.stepFinished(id, s1, StepOutcome.OK, "read_only=ON");
            int s2 = j.stepStarted(id, "APPLY_RELAY_LOG");
            j.stepFinished(id, s2, StepOutcome.FAILED, "timed out after 30s");
            clock.advance(Duration.ofSeconds(1));
            j.finishFailover(id, FailoverEnding.ABORTED_BEFORE_PROMOTION, "APPLY_RELAY_LOG failed");

            FailoverRecord f = j.failover(id).orElseThrow();
            assertThat(f.outcome()).isEqualTo(FailoverOutcome.ABORTED);
            assertThat(f.startedAt()).isEqualTo(T0);
            assertThat(f.endedAt()).isEqualTo(T0.plusMillis(1300));
            assertThat(f.epoch()).isEqualTo(4);
            assertThat(f.summary()).isEqualTo("APPLY_RELAY_LOG failed");
            assertThat(f.steps()).extracting(StepRecord::seq, StepRecord::name, StepRecord::outcome).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(1, "FENCE_OLD_PRIMARY", StepOutcome.OK),
                    org.assertj.core.groups.Tuple.tuple(2, "APPLY_RELAY_LOG", StepOutcome.FAILED));
            assertThat(f.steps().get(0).startedAt()).isEqualTo(T0.plusMillis(100));
            assertThat(f.steps().get(0).endedAt()).isEqualTo(T0.plusMillis(300));
            assertThat(f.steps().get(0).detail()).isEqualTo("read_only=ON");

            assertThat(j.history(100)).allMatch(e -> e.kind() == EventKind.FAILOVER_STEP && e.failoverId() == id)
                    .extracting(JournalEvent::summary).containsExactly(
                            "failover 1 started: db-oslo -> db-bergen",
                            "failover 1 step 1 FENCE_OLD_PRIMARY started",
                            "failover 1 step 1 FENCE_OLD_PRIMARY ok: read_only=ON",
                            "failover 1 step 2 APPLY_RELAY_LOG started",
                            "failover 1 step 2 APPLY_RELAY_LOG failed: timed out after 30s",
                            "failover 1 aborted: APPLY_RELAY_LOG failed");
            assertThat(j.unfinishedFailover()).isEmpty();
        }
    }

    @Test
    void allowsOnlyOneRunningFailoverAndOnlyChangesRunningOnes() {
        try (Journal j = new Journal(db(), clock)) {
            long id = j.beginFailover(failover(1));
            assertThatThrownBy(() -> j.beginFailover(failover(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("still running");
            int seq = j.stepStarted(id, "PROMOTE_STANDBY");
            j.stepFinished(id, seq, StepOutcome.OK, null);
            assertThatThrownBy(() -> j.stepFinished(id, seq, StepOutcome.OK, null))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already finished");
            assertThatThrownBy(() -> j.stepFinished(id, 99, StepOutcome.OK, null))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> j.finishFailover(id, FailoverEnding.REFUSED, null))
                    .isInstanceOf(IllegalArgumentException.class);
            j.finishFailover(id, FailoverEnding.COMPLETED, null);
            assertThatThrownBy(() -> j.stepStarted(id, "BUMP_EPOCH"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("completed");
            assertThatThrownBy(() -> j.finishFailover(id, FailoverEnding.ABORTED_BEFORE_PROMOTION, null))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> j.stepStarted(42, "X")).isInstanceOf(IllegalArgumentException.class);
            // the next failover may start now
            assertThat(j.beginFailover(failover(2))).isGreaterThan(id);
        }
    }

    @Test
    void epochStartsAtZeroOnlyGrowsAndRecordingTheSameEpochAgainIsHarmless() {
        try (Journal j = new Journal(db(), clock)) {
            assertThat(j.currentEpoch()).isZero();
            assertThat(j.recordEpoch("shop", 1, "db-oslo", "initial")).isTrue();
            assertThat(j.recordEpoch("shop", 3, "db-bergen", "failover 1")).isTrue();
            assertThat(j.currentEpoch()).isEqualTo(3);
            assertThat(j.recordEpoch("shop", 3, "db-bergen", "retried after crash")).isFalse();
            assertThatThrownBy(() -> j.recordEpoch("shop", 2, "db-oslo", "stale"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below the current epoch 3");
            assertThat(j.currentEpoch()).isEqualTo(3);
            assertThat(j.history(10)).filteredOn(e -> e.kind() == EventKind.EPOCH)
                    .extracting(JournalEvent::summary)
                    .containsExactly("epoch 0 -> 1 (db-oslo is primary)", "epoch 1 -> 3 (db-bergen is primary)");
        }
    }

    @Test
    void lastFailoverEndCountsOnlyCompletedFailovers() {
        try (Journal j = new Journal(db(), clock)) {
            assertThat(j.lastFailoverEnd()).isEmpty();
            long a = j.beginFailover(failover(1));
            clock.advance(Duration.ofMinutes(1));
            j.finishFailover(a, FailoverEnding.COMPLETED, null);
            Instant completedAt = clock.instant();
            clock.advance(Duration.ofMinutes(5));
            long b = j.beginFailover(failover(2));
            clock.advance(Duration.ofMinutes(1));
            j.finishFailover(b, FailoverEnding.ABORTED_BEFORE_PROMOTION, "fence failed");
            j.recordRefusal(failover(2), "cooldown active");
            assertThat(j.lastFailoverEnd()).contains(completedAt);
            assertThat(j.failovers(10)).extracting(FailoverRecord::outcome).containsExactly(
                    FailoverOutcome.REFUSED, FailoverOutcome.ABORTED, FailoverOutcome.COMPLETED);
            assertThat(j.failovers(1).get(0).summary()).isEqualTo("cooldown active");
        }
    }

    @Test
    void anAbortedFailoverPastItsPromotionStartsTheCooldownToo() {
        try (Journal j = new Journal(db(), clock)) {
            long a = j.beginFailover(failover(1));
            j.stepFinished(a, j.stepStarted(a, "FENCE_OLD_PRIMARY"), StepOutcome.FAILED, "fence command failed");
            j.finishFailover(a, FailoverEnding.ABORTED_BEFORE_PROMOTION, "fence failed");
            assertThat(j.lastFailoverEnd()).isEmpty();
            clock.advance(Duration.ofMinutes(5));
            long b = j.beginFailover(failover(2));
            j.stepFinished(b, j.stepStarted(b, "PROMOTE_STANDBY"), StepOutcome.OK, "read_only=OFF");
            j.stepFinished(b, j.stepStarted(b, "VERIFY_WRITE"), StepOutcome.FAILED, "the canary write failed");
            clock.advance(Duration.ofSeconds(2));
            j.finishFailover(b, FailoverEnding.ABORTED_AFTER_PROMOTION, "VERIFY_WRITE failed");
            // The standby was made writable: the roles changed, so no automatic failover back for the cooldown.
            assertThat(j.lastFailoverEnd()).contains(clock.instant());
        }
    }

    @Test
    void everythingSurvivesCloseAndReopen() {
        long id;
        try (Journal j = new Journal(db(), clock)) {
            j.append(EventKind.ALERT, "shop", "db-oslo", "primary down", Map.of("failures", 3));
            j.recordEpoch("shop", 7, "db-oslo", "initial");
            id = j.beginFailover(failover(8));
            j.stepFinished(id, j.stepStarted(id, "FENCE_OLD_PRIMARY"), StepOutcome.OK, null);
            j.finishFailover(id, FailoverEnding.COMPLETED, null);
        }
        try (Journal j = new Journal(db(), clock)) {
            assertThat(j.currentEpoch()).isEqualTo(7);
            assertThat(j.history(1)).extracting(JournalEvent::summary).containsExactly("failover 1 completed");
            assertThat(j.history(100)).hasSize(6);
            assertThat(j.failover(id).orElseThrow().steps()).hasSize(1);
            assertThat(j.lastFailoverEnd()).contains(T0);
        }
    }

    @Test
    void anUnfinishedFailoverIsFoundAfterACrash() {
        long id;
        // "crash": the process goes away mid-step, never finishing the step or the failover
        Journal crashed = new Journal(db(), clock);
        id = crashed.beginFailover(failover(2));
        crashed.stepFinished(id, crashed.stepStarted(id, "FENCE_OLD_PRIMARY"), StepOutcome.OK, null);
        crashed.stepStarted(id, "APPLY_RELAY_LOG");
        crashed.close();

        clock.advance(Duration.ofSeconds(30));
        try (Journal j = new Journal(db(), clock)) {
            FailoverRecord f = j.unfinishedFailover().orElseThrow();
            assertThat(f.id()).isEqualTo(id);
            assertThat(f.outcome()).isEqualTo(FailoverOutcome.RUNNING);
            assertThat(f.endedAt()).isNull();
            assertThat(f.steps()).extracting(StepRecord::name, StepRecord::finished).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("FENCE_OLD_PRIMARY", true),
                    org.assertj.core.groups.Tuple.tuple("APPLY_RELAY_LOG", false));

            assertThat(j.closeInterruptedSteps(id, "vakt run stopped during this step")).isEqualTo(1);
            FailoverRecord after = j.unfinishedFailover().orElseThrow();
            StepRecord interrupted = after.lastRunOf("APPLY_RELAY_LOG").orElseThrow();
            assertThat(interrupted.outcome()).isEqualTo(StepOutcome.FAILED);
            assertThat(interrupted.endedAt()).isEqualTo(T0.plusSeconds(30));
            assertThat(interrupted.detail()).isEqualTo("vakt run stopped during this step");
            // a retried step gets the next sequence number
            assertThat(j.stepStarted(id, "APPLY_RELAY_LOG")).isEqualTo(3);
        }
    }

    @Test
    void aClosedJournalRefusesWork() {
        Journal j = new Journal(db(), clock);
        j.close();
        j.close();
        assertThatThrownBy(() -> j.currentEpoch()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        try (Journal j = new Journal(db(), clock)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < 25; i++) {
                            j.append(EventKind.STATE_CHANGE, "shop", "n" + thread, "tick " + i, Map.of("i", i));
                            j.history(5);
                        }
                    }));
                }
                for (Future<?> f : futures) f.get(30, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            assertThat(j.history(1000)).hasSize(100);
        }
    }

    @Test
    void aSecondInstanceCanReadWhileTheFirstWrites() {
        try (Journal writer = new Journal(db(), clock); Journal reader = new Journal(db(), clock)) {
            writer.append(EventKind.ALERT, "shop", null, "one", null);
            assertThat(reader.history(10)).extracting(JournalEvent::summary).containsExactly("one");
            writer.recordEpoch("shop", 2, "db-oslo", null);
            assertThat(reader.currentEpoch()).isEqualTo(2);
        }
    }

    @Test
    void aSchemaOneJournalIsUpgradedInPlaceKeepingItsFailovers() throws Exception {
        long id;
        try (Journal j = new Journal(db(), clock)) {
            id = j.beginFailover(failover(1));
        }
        // Make it look like a journal written before schema 2.
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db());
                java.sql.Statement st = c.createStatement()) {
            st.execute("ALTER TABLE failovers DROP COLUMN primary_last_write");
            for (String c2 : List.of("owner_host", "owner_pid", "owner_started", "ending")) {
                st.execute("ALTER TABLE failovers DROP COLUMN " + c2); // schema 3's and 4's
            }
            st.execute("PRAGMA user_version = 1");
        }
        try (Journal j = new Journal(db(), clock)) {
            assertThat(j.unfinishedFailover()).map(FailoverRecord::id).contains(id);
            assertThat(j.primaryLastWrite(id)).isEmpty();
            j.recordPrimaryLastWrite(id, T0.minusMillis(250));
            assertThat(j.primaryLastWrite(id)).contains(T0.minusMillis(250));
        }
    }
}
