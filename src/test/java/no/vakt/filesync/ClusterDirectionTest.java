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
    void readsAgainOnlyWhileBehindTheEpochAskedAndAtMostEveryRetry() {
        ManualClock clock = new ManualClock(T0);
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<Optional<ClusterRun>> record = new AtomicReference<>(Optional.empty());
        ClusterDirection d = new ClusterDirection(() -> {
            reads.incrementAndGet();
            return record.get();
        }, clock, m -> {});

        assertThat(d.atLeast(5)).isEmpty(); // the failover is under way: not in the record yet
        record.set(Optional.of(run("automatic", 5)));
        assertThat(d.atLeast(5)).as("within the retry interval").isEmpty();
        clock.advance(ClusterDirection.RETRY);
        assertThat(d.atLeast(5)).map(SyncDirection::epoch).contains(5L);
        clock.advance(Duration.ofMinutes(1));
        assertThat(d.atLeast(5)).map(SyncDirection::epoch).contains(5L);
        assertThat(reads).hasValue(2);
    }

    @Test
    void anUnansweredReadKeepsTheLastAnswerAndSaysWhy() {
        ManualClock clock = new ManualClock(T0);
        List<String> said = new ArrayList<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        ClusterDirection d = new ClusterDirection(() -> {
            if (failure.get() != null) throw failure.get();
            return Optional.of(run("automatic", 5));
        }, clock, said::add);
        assertThat(d.atLeast(5)).isPresent();
        failure.set(new IllegalStateException("connection loss"));
        clock.advance(ClusterDirection.RETRY);
        assertThat(d.atLeast(6)).map(SyncDirection::epoch).contains(5L);
        assertThat(said).containsExactly("file sync: cannot read the cluster's last failover: connection loss");
    }
}
