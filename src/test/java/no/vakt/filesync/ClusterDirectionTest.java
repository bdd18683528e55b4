package no.vakt.filesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import no.vakt.coordination.ClusterRun;
import no.vakt.coordination.ZooKeeperRuns;
import no.vakt.journal.FailoverEnding;
import no.vakt.testing.ManualClock;
import org.junit.jupiter.api.Test;

/** The direction the cluster's record of the newest promotion sets, read only while it is behind the epoch asked. */
class ClusterDirectionTest {
    private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");

    private static ClusterRun run(String mode, long epoch) {
        return new ClusterRun("oslo-7", "oslo", Map.of("oslo", 7L), "shop", "oslo-db", "bergen-db", mode, "DOWN", epoch,
                T0, T0.plusSeconds(5), FailoverEnding.COMPLETED, "done", null, List.of());
    }

    @Test
    void aFailoverLeavesItsNewPrimaryTheSourcePausedAtItsEpoch() {
        assertThat(ClusterDirection.of(run("automatic", 5)))
                .isEqualTo(new SyncDirection("bergen-db", null, 5, "failover by agent oslo"));
    }

    @Test
    void aSwitchoverLeavesTheOldPrimaryItsTarget() {
        assertThat(ClusterDirection.of(run("switchover", 5)))
                .isEqualTo(new SyncDirection("bergen-db", "oslo-db", 5, "switchover by agent oslo"));
    }

    @Test
    void readsAgainOnlyWhileARunIsUnderWayAndAtMostEveryRetry() {
        ManualClock clock = new ManualClock(T0);
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<ZooKeeperRuns.Promotion> record = new AtomicReference<>(new ZooKeeperRuns.Promotion(Optional.empty(), true));
        ClusterDirection d = new ClusterDirection(() -> {
            reads.incrementAndGet();
            return record.get();
        }, clock, m -> {});

        assertThat(d.atLeast(5)).isEmpty(); // the failover is under way: not in the record yet
        record.set(new ZooKeeperRuns.Promotion(Optional.of(run("automatic", 5)), false));
        assertThat(d.atLeast(5)).as("within the retry interval").isEmpty();
        clock.advance(ClusterDirection.RETRY);
        assertThat(d.atLeast(5)).map(SyncDirection::epoch).contains(5L);
        clock.advance(Duration.ofMinutes(1));
        assertThat(d.atLeast(5)).map(SyncDirection::epoch).contains(5L);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aRecordBehindTheEpochAfterTheRunEndedIsReadOncePerEpoch() {
        // A run moved the epoch to 6 and stopped before promoting: the newest promotion stays the one of epoch 5.
        ManualClock clock = new ManualClock(T0);
        AtomicInteger reads = new AtomicInteger();
        ClusterDirection d = new ClusterDirection(() -> {
            reads.incrementAndGet();
            return new ZooKeeperRuns.Promotion(Optional.of(run("automatic", 5)), false);
        }, clock, m -> {});
        for (int i = 0; i < 10; i++) {
            assertThat(d.atLeast(6)).map(SyncDirection::epoch).contains(5L);
            clock.advance(ClusterDirection.RETRY);
        }
        assertThat(reads).as("no re-read until the epoch moves").hasValue(1);
        assertThat(d.atLeast(7)).map(SyncDirection::epoch).contains(5L);
        assertThat(reads).hasValue(2);
    }

    @Test
    void anUnansweredReadKeepsTheLastAnswerAndSaysWhy() {
        ManualClock clock = new ManualClock(T0);
        List<String> said = new ArrayList<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        ClusterDirection d = new ClusterDirection(() -> {
            if (failure.get() != null) throw failure.get();
            return new ZooKeeperRuns.Promotion(Optional.of(run("automatic", 5)), false);
        }, clock, said::add);
        assertThat(d.atLeast(5)).isPresent();
        failure.set(new IllegalStateException("connection loss"));
        clock.advance(ClusterDirection.RETRY);
        assertThat(d.atLeast(6)).map(SyncDirection::epoch).contains(5L);
        assertThat(said).containsExactly("file sync: cannot read the cluster's last failover: connection loss");
    }
}
