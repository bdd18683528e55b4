package no.vakt.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import no.vakt.drill.TimeToWarm.Outcome;
import no.vakt.drill.TimeToWarm.Sample;
import org.junit.jupiter.api.Test;

/** "Time to warm" from timed samples, pure: 10 reads a second, 2 ms before the fault (p99 2 ms, bound 3 ms). */
class TimeToWarmTest {
    private static final Instant FAULT = Instant.parse("2026-12-07T12:00:00Z");
    private static final Instant PROMOTED = FAULT.plusSeconds(5);
    private static final Duration WINDOW = Duration.ofSeconds(60);

    /** Reads every 100 ms from {@code from} for {@code seconds}, each taking {@code ms}; ok or failed. */
    private static void reads(List<Sample> into, Instant from, int seconds, double ms, boolean ok) {
        for (int i = 0; i < seconds * 10; i++) {
            into.add(new Sample(from.plusMillis(100L * i), Duration.ofNanos((long) (ms * 1e6)), ok));
        }
    }

    private static List<Sample> baseline() {
        List<Sample> s = new ArrayList<>();
        reads(s, FAULT.minusSeconds(3), 3, 2, true);
        reads(s, FAULT, 5, 0, false); // the primary is gone: failed reads until the promotion
        return s;
    }

    @Test
    void warmIsTheFirstOfThreeSecondsInARowWithinOneAndAHalfTimesThePreFaultP99() {
        List<Sample> s = baseline();
        reads(s, PROMOTED, 4, 20, true); // a cold buffer pool: 20 ms
        reads(s, PROMOTED.plusSeconds(4), 1, 2.5, true); // one good second alone is not warm
        reads(s, PROMOTED.plusSeconds(5), 1, 9, true);
        reads(s, PROMOTED.plusSeconds(6), 10, 2.9, true);

        assertThat(TimeToWarm.decide(s, FAULT, PROMOTED, PROMOTED.plusSeconds(8), WINDOW)).as("two good seconds so far").isEmpty();
        TimeToWarm t = TimeToWarm.decide(s, FAULT, PROMOTED, PROMOTED.plusSeconds(9), WINDOW).orElseThrow();
        assertThat(t.outcome()).isEqualTo(Outcome.WARM);
        assertThat(t.after()).isEqualTo(Duration.ofSeconds(6));
        assertThat(t.baselineP99Ms()).isEqualTo(2.0);
        assertThat(t.describe()).startsWith("6 s");
    }

    @Test
    void aFailedReadOrASlowP99KeepsItColdUntilTheWindowEndsThenItIsNotWarm() {
        List<Sample> s = baseline();
        for (int i = 0; i < 20; i++) {
            // Mostly fast, but each second has a slow read (its p99) or, every other second, a failed one.
            reads(s, PROMOTED.plusSeconds(i), 1, 2, true);
            s.add(new Sample(PROMOTED.plusSeconds(i).plusMillis(50), Duration.ofMillis(i % 2 == 0 ? 40 : 1), i % 2 == 0));
        }
        assertThat(TimeToWarm.decide(s, FAULT, PROMOTED, PROMOTED.plusSeconds(19), Duration.ofSeconds(20))).isEmpty();
        TimeToWarm t = TimeToWarm.decide(s, FAULT, PROMOTED, PROMOTED.plusSeconds(20), Duration.ofSeconds(20)).orElseThrow();
        assertThat(t.outcome()).isEqualTo(Outcome.NOT_WARM_WITHIN);
        assertThat(t.describe()).startsWith("NOT warm within 20 s");
    }

    @Test
    void withoutEnoughReadsBeforeTheFaultThereIsNoBaseline() {
        List<Sample> s = new ArrayList<>();
        reads(s, FAULT.minusSeconds(1), 1, 2, true);
        reads(s, PROMOTED, 5, 2, true);
        assertThat(TimeToWarm.decide(s, FAULT, PROMOTED, PROMOTED.plusSeconds(5), WINDOW).orElseThrow().outcome())
                .isEqualTo(Outcome.NO_BASELINE);
    }
}
