package no.vakt.filesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The delete guard's decisions, pure: the window, the sticky hold, what releases it, the re-judged reason. */
class DeleteGuardTest {
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final DeleteGuard.Limits LIMITS = new DeleteGuard.Limits(20, Duration.ofHours(1));

    private static DeleteGuard.Decision push(long target, long wouldDelete, long inWindow, DeleteGuard.Hold held) {
        return DeleteGuard.decide(SourceRoot.PRESENT, target, wouldDelete, inWindow, LIMITS, false, held, false, T0);
    }

    @Test
    void deletionsCountTogetherWithinTheWindow() {
        // The audit's rm -rf of 40,000 files: 6,464 in the first batch pass (16 %), the rest is held.
        DeleteGuard.Decision first = push(40_000, 6_464, 0, null);
        assertThat(first.allowed()).isTrue();
        DeleteGuard.Decision second = push(40_000 - 6_464, 6_464, 6_464, null);
        assertThat(second.allowed()).isFalse();
        assertThat(second.reason()).contains("after 6464 deleted within the last 1h").contains("more than 20% within 1h");
        assertThat(second.hold()).isNotNull();
        assertThat(second.hold().sourceState()).isNull();

        // A slow deletion, 5 % a batch: the fifth batch would pass 20 % of what the target had.
        long target = 1000;
        long deleted = 0;
        int batches = 0;
        while (push(target, 50, deleted, null).allowed()) {
            target -= 50;
            deleted += 50;
            batches++;
        }
        assertThat(batches).isEqualTo(4);
        assertThat(deleted).isEqualTo(200);
    }

    @Test
    void aHandfulPerWindowIsAlwaysAllowedButAnEmptySourceNeverDeletes() {
        assertThat(push(20, 10, 0, null).allowed()).isTrue();
        assertThat(push(20, 1, 10, null).allowed()).isFalse();
        DeleteGuard.Decision empty = DeleteGuard.decide(SourceRoot.EMPTY, 60, 1, 0, LIMITS, false, null, true, T0);
        assertThat(empty.allowed()).isFalse();
        assertThat(empty.hold().sourceState()).isEqualTo("empty");
        assertThat(DeleteGuard.decide(SourceRoot.EMPTY, 60, 60, 0, LIMITS, true, null, true, T0).allowed())
                .as("--no-delete-guard overrides").isTrue();
    }

    @Test
    void aHoldIsStickyUntilTheSourceIsBackOrAnOperatorOverrides() {
        DeleteGuard.Hold held = new DeleteGuard.Hold(T0, null, "would delete 504 of the target's 1000 files");
        // Pushes never release, not even a single deletion.
        DeleteGuard.Decision one = push(1000, 1, 0, held);
        assertThat(one.allowed()).isFalse();
        assertThat(one.hold()).isEqualTo(held);
        // A reconcile (an overflow's, the hourly one) that still finds 504 missing keeps holding: the window
        // is not what keeps it, so its passing does not release it either.
        DeleteGuard.Decision reconcile = DeleteGuard.decide(SourceRoot.PRESENT, 1000, 504, 0, LIMITS, false, held, true,
                T0.plus(Duration.ofHours(5)));
        assertThat(reconcile.allowed()).isFalse();
        assertThat(reconcile.reason()).contains("the source lacks 504 of the target's 1000 files")
                .contains("held back because: would delete 504").contains("--no-delete-guard");
        // The files came back (all but 3 genuinely deleted meanwhile): released, and those 3 follow.
        DeleteGuard.Decision back = DeleteGuard.decide(SourceRoot.PRESENT, 1000, 3, 0, LIMITS, false, held, true, T0);
        assertThat(back.allowed()).isTrue();
        assertThat(back.released()).isTrue();
        assertThat(back.hold()).isNull();
        // An operator's override.
        DeleteGuard.Decision forced = DeleteGuard.decide(SourceRoot.PRESENT, 1000, 504, 0, LIMITS, true, held, true, T0);
        assertThat(forced.allowed()).isTrue();
        assertThat(forced.released()).isTrue();
    }

    @Test
    void theReasonIsJudgedAgainWhenTheSourceChanges() {
        DeleteGuard.Decision tripped = DeleteGuard.decide(SourceRoot.EMPTY, 60, 60, 0, LIMITS, false, null, false, T0);
        assertThat(tripped.reason()).contains("the source directory is empty");
        DeleteGuard.Hold held = tripped.hold();
        // A file was added to the source: it is not empty any more, and the reason says so.
        DeleteGuard.Decision later = DeleteGuard.decide(SourceRoot.PRESENT, 61, 0, 0, LIMITS, false, held, false, T0);
        assertThat(later.allowed()).isFalse();
        assertThat(later.reason()).doesNotContain("the source directory is empty")
                .contains("the source directory was empty when deletions were held back").contains("it has files again");
        // Its re-check reconcile says what holding back means now.
        DeleteGuard.Decision recheck = DeleteGuard.decide(SourceRoot.PRESENT, 61, 60, 0, LIMITS, false, held, true, T0);
        assertThat(recheck.reason()).contains("the source lacks 60 of the target's 61 files");
    }

    @Test
    void theWindowKeepsOneBucketPerMinuteAndForgetsWhatLeftIt() {
        List<DeleteGuard.Bucket> b = List.of();
        for (int i = 0; i < 600; i++) b = DeleteGuard.record(b, T0.plusSeconds(i), 2, Duration.ofHours(1));
        assertThat(b).hasSize(10);
        assertThat(DeleteGuard.inWindow(b, T0.plusSeconds(600), Duration.ofHours(1))).isEqualTo(1200);
        assertThat(DeleteGuard.inWindow(b, T0.plus(Duration.ofMinutes(65)), Duration.ofHours(1))).isEqualTo(600);
        assertThat(DeleteGuard.record(b, T0.plus(Duration.ofHours(3)), 0, Duration.ofHours(1))).isEmpty();
    }
}
